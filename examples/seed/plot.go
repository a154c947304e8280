package main

import (
	"fmt"
	"image/color"
	"os"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

var (
	blue   = color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}
	orange = color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff}
	green  = color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}
	purple = color.RGBA{R: 0x94, G: 0x67, B: 0xbd, A: 0xff}
	grey   = color.RGBA{R: 0x80, G: 0x80, B: 0x80, A: 0xff}
)

// chart draws the measurements as four bar panels, time (with whiskers
// over the interquartile range), memory, gradient flow and phase spread,
// one bar group per method, and writes a PNG.
func chart(file, title string, rs []result) error {
	names := make([]string, len(rs))
	fwd := make(plotter.Values, len(rs))
	tot := make(plotter.Values, len(rs))
	mem := make(plotter.Values, len(rs))
	flow := make(plotter.Values, len(rs))
	spread := make(plotter.Values, len(rs))
	for i, r := range rs {
		names[i] = r.Name
		fwd[i] = r.median(forward).Seconds() * 1e3
		tot[i] = r.median(total).Seconds() * 1e3
		mem[i] = float64(r.Bytes) / 1e6
		flow[i] = r.Flow
		spread[i] = r.Spread
	}
	const w = vg.Length(20)
	panel := func(title, ylabel string, top float64) *plot.Plot {
		p := plot.New()
		p.Title.Text = title
		p.Y.Label.Text = ylabel
		p.Y.Min, p.Y.Max = 0, 1.2*top
		p.X.Min, p.X.Max = -0.6, float64(len(names))-0.4
		p.NominalX(names...)
		p.X.Tick.Label.Rotation = 0.35
		p.X.Tick.Label.XAlign = draw.XRight
		p.Add(plotter.NewGrid())
		return p
	}
	// bars adds one bar per method, shifted by offset within its group
	// and labelled with its value in format, or as a time if format is
	// empty.
	bars := func(p *plot.Plot, v plotter.Values, c color.Color, offset vg.Length, format, legend string) error {
		b, err := plotter.NewBarChart(v, w)
		if err != nil {
			return err
		}
		b.Color, b.LineStyle.Width, b.Offset = c, 0, offset
		p.Add(b)
		if legend != "" {
			p.Legend.Add(legend, b)
		}
		xy := plotter.XYLabels{XYs: make(plotter.XYs, len(v)), Labels: make([]string, len(v))}
		for i, y := range v {
			xy.XYs[i] = plotter.XY{X: float64(i), Y: y}
			f := format
			if f == "" {
				// Times: whole milliseconds once they reach 100.
				f = "%.3g"
				if y >= 100 {
					f = "%.0f"
				}
			}
			xy.Labels[i] = fmt.Sprintf(f, y)
		}
		l, err := plotter.NewLabels(xy)
		if err != nil {
			return err
		}
		for i := range l.TextStyle {
			l.TextStyle[i].XAlign = draw.XCenter
			l.TextStyle[i].Font.Size = vg.Points(8)
		}
		l.Offset = vg.Point{X: offset, Y: vg.Points(2)}
		p.Add(l)
		return nil
	}

	var tmax float64
	for _, r := range rs {
		_, _, q3 := r.quartiles(total)
		tmax = max(tmax, q3.Seconds()*1e3)
	}
	pt := panel(fmt.Sprintf("time: median and interquartile range of %d repetitions", len(rs[0].Forward)), "ms", tmax)
	pt.Legend.Top, pt.Legend.Left = true, true
	if err := bars(pt, fwd, blue, -w/2, "", "forward"); err != nil {
		return err
	}
	if err := bars(pt, tot, orange, w/2, "", "forward+backward"); err != nil {
		return err
	}
	for _, ps := range []struct {
		p      pass
		offset vg.Length
	}{{forward, -w / 2}, {total, w / 2}} {
		wk := whiskers{offset: ps.offset}
		for _, r := range rs {
			q1, _, q3 := r.quartiles(ps.p)
			wk.lo, wk.hi = append(wk.lo, q1.Seconds()*1e3), append(wk.hi, q3.Seconds()*1e3)
		}
		pt.Add(wk)
	}
	pm := panel("memory allocated per forward+backward", "MB", slices.Max(mem))
	if err := bars(pm, mem, green, 0, "%.1f", ""); err != nil {
		return err
	}
	pf := panel("gradient flow ‖dx‖/‖dy‖ at He initialisation", "ratio", max(1, slices.Max(flow)))
	if err := bars(pf, flow, purple, 0, "%.3f", ""); err != nil {
		return err
	}
	one, err := plotter.NewLine(plotter.XYs{{X: -0.5, Y: 1}, {X: float64(len(rs)) - 0.5, Y: 1}})
	if err != nil {
		return err
	}
	one.Color, one.Dashes = grey, []vg.Length{vg.Points(4), vg.Points(3)}
	pf.Add(one)
	ps := panel("checkerboard: phase spread on a constant input", "spread", max(0.1, slices.Max(spread)))
	if err := bars(ps, spread, grey, 0, "%.2f", ""); err != nil {
		return err
	}

	img := vgimg.New(vg.Points(960), vg.Points(720))
	dc := draw.New(img)
	head := plot.New()
	top := vg.Points(26)
	sty := head.Title.TextStyle
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
	dc.FillText(sty, vg.Point{X: dc.Center().X, Y: dc.Max.Y - top/2}, title)
	tiles := draw.Tiles{Rows: 2, Cols: 2, PadTop: top, PadX: vg.Points(24), PadY: vg.Points(16), PadLeft: vg.Points(6), PadRight: vg.Points(6), PadBottom: vg.Points(6)}
	grid := [][]*plot.Plot{{pt, pm}, {pf, ps}}
	canvases := plot.Align(grid, tiles, dc)
	for i := range grid {
		for j := range grid[i] {
			grid[i][j].Draw(canvases[i][j])
		}
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %v", file, err)
	}
	return f.Close()
}

// whiskers draws a vertical line from lo[i] to hi[i] over bar i of a bar
// chart whose bars are shifted by offset, with short caps at both ends.
type whiskers struct {
	lo, hi []float64
	offset vg.Length
}

func (wk whiskers) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	sty := draw.LineStyle{Color: color.Black, Width: vg.Points(0.8)}
	end := vg.Points(3)
	for i := range wk.lo {
		x := trX(float64(i)) + wk.offset
		lo, hi := trY(wk.lo[i]), trY(wk.hi[i])
		c.StrokeLine2(sty, x, lo, x, hi)
		c.StrokeLine2(sty, x-end, lo, x+end, lo)
		c.StrokeLine2(sty, x-end, hi, x+end, hi)
	}
}
