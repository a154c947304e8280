package main

import (
	"fmt"
	"image/color"
	imgdraw "image/draw"
	"image/png"
	"math"
	"os"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// palette tells eight methods apart.
var palette = []color.Color{
	color.RGBA{0x1f, 0x77, 0xb4, 0xff}, color.RGBA{0xff, 0x7f, 0x0e, 0xff},
	color.RGBA{0x2c, 0xa0, 0x2c, 0xff}, color.RGBA{0xd6, 0x27, 0x28, 0xff},
	color.RGBA{0x94, 0x67, 0xbd, 0xff}, color.RGBA{0x8c, 0x56, 0x4b, 0xff},
	color.RGBA{0xe3, 0x77, 0xc2, 0xff}, color.RGBA{0x17, 0xbe, 0xcf, 0xff},
}

// writeFigures writes the loss curves, the gradients and one grid of
// predictions per task to files named prefix-loss.png, prefix-grads.png
// and prefix-<task>.png, and returns their names.
func writeFigures(prefix string, res results, tasks []task, cfg config) ([]string, error) {
	var files []string
	loss, grads := prefix+"-loss.png", prefix+"-grads.png"
	if err := curves(loss, res, tasks, cfg, false); err != nil {
		return nil, err
	}
	if err := curves(grads, res, tasks, cfg, true); err != nil {
		return nil, err
	}
	files = append(files, loss, grads)
	for _, t := range tasks {
		f := prefix + "-" + strings.ToLower(t.Name) + ".png"
		if err := grid(f, res, t); err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}

// meanCurve averages the validation checks of one method's runs on one
// task at the steps every run checked on the regular schedule: x is the
// step or the mean training time, y the mean of value.
func meanCurve(runs []run, every int, bySeconds bool, value func(point) float64) plotter.XYs {
	var per [][]point
	for _, r := range runs {
		var ps []point
		for _, p := range r.Curve {
			if p.Step%every == 0 {
				ps = append(ps, p)
			}
		}
		per = append(per, ps)
	}
	if len(per) == 0 {
		return nil
	}
	n := len(per[0])
	for _, ps := range per {
		n = min(n, len(ps))
	}
	xy := make(plotter.XYs, 0, n)
	for i := range n {
		var x, y float64
		for _, ps := range per {
			if bySeconds {
				x += ps[i].Seconds
			} else {
				x += float64(ps[i].Step)
			}
			y += value(ps[i])
		}
		xy = append(xy, plotter.XY{X: x / float64(len(per)), Y: y / float64(len(per))})
	}
	return xy
}

// curves draws a row of two panels per task: the validation MSE against
// steps and against seconds or, with gradients, the gradient across the
// method and the first over the last layer's weight gradient, against
// steps.
func curves(file string, res results, tasks []task, cfg config, gradients bool) error {
	every := max(1, cfg.Steps/max(1, cfg.Checks))
	var names []string
	byMethod := map[string]map[string][]run{}
	for _, r := range res.runs {
		if byMethod[r.Task] == nil {
			byMethod[r.Task] = map[string][]run{}
		}
		if _, ok := byMethod[r.Task][r.Method]; !ok && !contains(names, r.Method) {
			names = append(names, r.Method)
		}
		byMethod[r.Task][r.Method] = append(byMethod[r.Task][r.Method], r)
	}
	twoStep := map[string]bool{}
	for _, s := range res.summaries {
		twoStep[s.Method] = s.TwoStep
	}
	rows := make([][]*plot.Plot, len(tasks))
	for i, t := range tasks {
		type panel struct {
			title, x, y string
			bySeconds   bool
			value       func(point) float64
			skipFirst   bool
			vanish      bool // mark the level below which the gradient counts as vanishing
		}
		var panels []panel
		if gradients {
			panels = []panel{
				{fmt.Sprintf("task %s: gradient across the method", t.Name), "step", "‖dx‖/‖dy‖", false, func(p point) float64 { return p.Flow }, true, true},
				{fmt.Sprintf("task %s: first over last layer's weight gradient", t.Name), "step", "‖∇W_in‖/‖∇W_out‖", false, func(p point) float64 { return p.Grads[0] / p.Grads[len(p.Grads)-1] }, true, false},
			}
		} else {
			val := func(p point) float64 { return p.Val }
			unit := "seconds"
			if cfg.CPU {
				unit = "processor seconds"
			}
			panels = []panel{
				{fmt.Sprintf("task %s: validation MSE by step", t.Name), "step", "MSE", false, val, false, false},
				{fmt.Sprintf("task %s: validation MSE by training time", t.Name), unit, "MSE", true, val, false, false},
			}
		}
		for _, pn := range panels {
			p := plot.New()
			p.Title.Text = pn.title
			p.X.Label.Text, p.Y.Label.Text = pn.x, pn.y
			// Losses span decades; the gradient ratios are drawn from 0,
			// so that a vanishing one would show, with room above the
			// curves for the legend.
			if !gradients {
				p.Y.Scale = plot.LogScale{}
				p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
			}
			top := 0.0
			p.Add(plotter.NewGrid())
			p.Legend.Top = true
			p.Legend.TextStyle.Font.Size = vg.Points(8)
			for j, name := range names {
				runs := byMethod[t.Name][name]
				if len(runs) == 0 {
					continue
				}
				xy := meanCurve(runs, every, pn.bySeconds, pn.value)
				if pn.skipFirst && len(xy) > 0 {
					xy = xy[1:]
				}
				var pos plotter.XYs
				for _, q := range xy {
					if q.Y > 0 && !math.IsInf(q.Y, 0) && !math.IsNaN(q.Y) {
						pos = append(pos, q)
					}
				}
				if len(pos) == 0 {
					continue
				}
				l, err := plotter.NewLine(pos)
				if err != nil {
					return err
				}
				l.Color = palette[j%len(palette)]
				l.Width = vg.Points(1.5)
				if twoStep[name] {
					l.Dashes = []vg.Length{vg.Points(5), vg.Points(2)}
				}
				p.Add(l)
				p.Legend.Add(name, l)
				for _, q := range pos {
					top = math.Max(top, q.Y)
				}
			}
			if gradients {
				p.Y.Min, p.Y.Max = 0, 1.5*top
				if pn.vanish {
					v, err := plotter.NewLine(plotter.XYs{{X: p.X.Min, Y: vanishBelow}, {X: p.X.Max, Y: vanishBelow}})
					if err != nil {
						return err
					}
					v.Color, v.Dashes = color.Gray{0x80}, []vg.Length{vg.Points(2), vg.Points(2)}
					p.Add(v)
					p.Legend.Add(fmt.Sprintf("%.1f: vanishing", vanishBelow), v)
				}
			}
			rows[i] = append(rows[i], p)
		}
	}
	img := vgimg.New(vg.Points(900), vg.Points(300*float64(len(tasks))+20))
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: len(tasks), Cols: 2, PadTop: vg.Points(20), PadX: vg.Points(24), PadY: vg.Points(20), PadLeft: vg.Points(6), PadRight: vg.Points(10), PadBottom: vg.Points(6)}
	head := plot.New().Title.TextStyle
	head.XAlign, head.YAlign = draw.XCenter, draw.YCenter
	title := "validation loss, mean over seeds (dashed: two-step methods)"
	if gradients {
		title = "gradient during training, mean over seeds (dashed: two-step methods)"
	}
	dc.FillText(head, vg.Point{X: dc.Center().X, Y: dc.Max.Y - vg.Points(10)}, title)
	canvases := plot.Align(rows, tiles, dc)
	for i := range rows {
		for j := range rows[i] {
			rows[i][j].Draw(canvases[i][j])
		}
	}
	return savePNG(file, img)
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func savePNG(file string, c *vgimg.Canvas) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %v", file, err)
	}
	return f.Close()
}

// grid draws, for the first validation scenes, the input, the target and
// every method's prediction after the fixed steps (from seed 1) with its
// absolute error, 4× amplified, one method per row. Every tile shows the
// same window of the scene at the rendered resolution, each sample
// repeated (nearest) over the area it covers and then zoomed, so that
// blur and checkerboards stay as they are: the 50×100 window of a larger
// 2-D scene where the target varies most, the middle slice along the
// third axis of a 3-D one.
// Two-colour inputs show as red and green, everything else in grey.
func grid(file string, res results, t task) error {
	val := res.val[t.Name]
	var preds []run
	for _, r := range res.runs {
		if r.Task == t.Name && r.Seed == 1 && len(r.Pred) > 0 {
			preds = append(preds, r)
		}
	}
	if len(preds) == 0 {
		return nil
	}
	shown := len(preds[0].Pred) / volume(t.Out)
	win := window{h: min(t.Scene[0], 50), w: min(t.Scene[1], 100)}
	win.zoom = max(1, 400/win.w)
	tw, th := win.w*win.zoom, win.h*win.zoom
	const gap, left, top = 6, 120, 24
	W := left + 2*shown*(tw+gap)
	H := top + (1+len(preds))*(th+gap)

	c := vgimg.NewWith(vgimg.UseWH(vg.Length(W), vg.Length(H)), vgimg.UseDPI(72))
	dc := draw.New(c)
	sty := plot.New().Title.TextStyle
	sty.Font.Size = vg.Points(12)
	sty.YAlign = draw.YCenter
	label := func(x, y int, s string, align draw.XAlignment) {
		st := sty
		st.XAlign = align
		dc.FillText(st, vg.Point{X: vg.Length(x), Y: vg.Length(H - y)}, s)
	}
	img := c.Image()
	inVol, outVol := volume(t.In), volume(t.Out)
	for k := range shown {
		x0 := left + 2*k*(tw+gap)
		label(x0+tw/2, top/2, fmt.Sprintf("scene %d: input, prediction", k+1), draw.XCenter)
		label(x0+tw+gap+tw/2, top/2, "target, |error| × 4", draw.XCenter)
		tgt := val.Y[k*outVol:][:outVol]
		win.r0, win.c0 = busiest(t, tgt, win.h, win.w)
		win.paint(img, x0, top, t, t.In, val.X[k*inVol:][:inVol], nil)
		win.paint(img, x0+tw+gap, top, t, t.Out, tgt, nil)
		for j, r := range preds {
			y0 := top + (1+j)*(th+gap)
			p := r.Pred[k*outVol:][:outVol]
			win.paint(img, x0, y0, t, t.Out, p, nil)
			win.paint(img, x0+tw+gap, y0, t, t.Out, p, tgt)
		}
	}
	label(6, top+th/2, "input, target", draw.XLeft)
	for j, r := range preds {
		label(6, top+(1+j)*(th+gap)+th/2, r.Method, draw.XLeft)
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %v", file, err)
	}
	return f.Close()
}

// busiest returns the corner of the h×w window, among the corners, edge
// middles and centre of the scene, where the target y varies most, so
// that the tiles show edges rather than a flat background.
func busiest(t task, y []float32, h, w int) (r0, c0 int) {
	_, oh, ow := t.Out[0], t.Out[1], t.Out[2]
	depth := volume(t.Out[3:])
	fy, fx := t.Scene[0]/oh, t.Scene[1]/ow
	best := -1.0
	for _, r := range []int{0, (t.Scene[0] - h) / 2, t.Scene[0] - h} {
		for _, c := range []int{0, (t.Scene[1] - w) / 2, t.Scene[1] - w} {
			r, c := r/(2*fy)*2*fy, c/(2*fx)*2*fx
			var sum, sq float64
			n := 0
			for i := r / fy; i < (r+h)/fy; i++ {
				for j := c / fx; j < (c+w)/fx; j++ {
					v := float64(y[(i*ow+j)*depth+depth/2])
					sum += v
					sq += v * v
					n++
				}
			}
			if v := sq/float64(n) - (sum/float64(n))*(sum/float64(n)); v > best {
				best, r0, c0 = v, r, c
			}
		}
	}
	return r0, c0
}

// window is the part of a scene a tile shows: h×w rendered pixels from
// (r0, c0), each drawn zoom×zoom.
type window struct{ r0, c0, h, w, zoom int }

// paint draws the C×D1×D2(×D3) array v of one scene into img at (x0, y0),
// each sample covering the area it averages in the rendered scene. With
// ref not nil it draws 4·|v − ref| instead.
func (win window) paint(img imgdraw.Image, x0, y0 int, t task, shape []int, v, ref []float32) {
	nc := shape[0]
	h, w := shape[1], shape[2]
	depth, slice := 1, 0
	if len(shape) > 3 {
		depth = shape[3]
		slice = depth / 2
	}
	fy, fx := t.Scene[0]/h, t.Scene[1]/w
	plane := h * w * depth
	at := func(ch, i, j int) float64 {
		k := ch*plane + (i*w+j)*depth + slice
		if ref != nil {
			return 4 * math.Abs(float64(v[k])-float64(ref[k]))
		}
		return float64(v[k])
	}
	byte8 := func(f float64) uint8 { return uint8(math.Round(255 * math.Max(0, math.Min(1, f)))) }
	for py := range win.h * win.zoom {
		i := (win.r0 + py/win.zoom) / fy
		for px := range win.w * win.zoom {
			j := (win.c0 + px/win.zoom) / fx
			var c color.RGBA
			if nc == 2 {
				c = color.RGBA{R: byte8(at(0, i, j)), G: byte8(at(1, i, j)), A: 255}
			} else {
				g := byte8(at(0, i, j))
				c = color.RGBA{R: g, G: g, B: g, A: 255}
			}
			img.Set(x0+px, y0+py, c)
		}
	}
}
