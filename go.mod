module github.com/anisoconv/aniso

go 1.24.0

require gonum.org/v1/gonum v0.17.0

require (
	github.com/stretchr/testify v1.12.1
	go.yaml.in/yaml/v3 v3.0.5 // indirect
)
