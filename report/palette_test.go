package report

import (
	"image/color"
	"math"
	"testing"
)

// The colour science below checks that the stage colours stay apart for
// every reader: CIEDE2000 colour differences (Sharma, Wu and Dalal 2005)
// between colours as seen with normal vision and as simulated for
// protanopia, deuteranopia and tritanopia (Machado, Oliveira and Fernandes
// 2009, severity 1).

func srgbToLinear(c float64) float64 {
	c /= 255
	if c <= 0.04045 {
		return c / 12.92
	}
	return math.Pow((c+0.055)/1.055, 2.4)
}

func linearToSRGB(c float64) float64 {
	c = math.Max(0, math.Min(1, c))
	if c <= 0.0031308 {
		return 255 * 12.92 * c
	}
	return 255 * (1.055*math.Pow(c, 1/2.4) - 0.055)
}

type rgb [3]float64

func toRGB(c color.RGBA) rgb { return rgb{float64(c.R), float64(c.G), float64(c.B)} }

// lab converts sRGB to CIELAB under D65.
func lab(c rgb) [3]float64 {
	r, g, b := srgbToLinear(c[0]), srgbToLinear(c[1]), srgbToLinear(c[2])
	x := (0.4124564*r + 0.3575761*g + 0.1804375*b) / 0.95047
	y := 0.2126729*r + 0.7151522*g + 0.0721750*b
	z := (0.0193339*r + 0.1191920*g + 0.9503041*b) / 1.08883
	f := func(t float64) float64 {
		if t > 216.0/24389 {
			return math.Cbrt(t)
		}
		return (24389.0/27*t + 16) / 116
	}
	return [3]float64{116*f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))}
}

// ciede2000 is the CIEDE2000 colour difference of two CIELAB colours.
func ciede2000(p, q [3]float64) float64 {
	rad := math.Pi / 180
	L1, a1, b1 := p[0], p[1], p[2]
	L2, a2, b2 := q[0], q[1], q[2]
	cb := (math.Hypot(a1, b1) + math.Hypot(a2, b2)) / 2
	g := 0.5 * (1 - math.Sqrt(math.Pow(cb, 7)/(math.Pow(cb, 7)+math.Pow(25, 7))))
	a1p, a2p := (1+g)*a1, (1+g)*a2
	c1p, c2p := math.Hypot(a1p, b1), math.Hypot(a2p, b2)
	hue := func(b, a float64) float64 {
		if a == 0 && b == 0 {
			return 0
		}
		h := math.Atan2(b, a) / rad
		if h < 0 {
			h += 360
		}
		return h
	}
	h1, h2 := hue(b1, a1p), hue(b2, a2p)
	dL, dC := L2-L1, c2p-c1p
	dh := 0.0
	if c1p*c2p != 0 {
		dh = h2 - h1
		if dh > 180 {
			dh -= 360
		} else if dh < -180 {
			dh += 360
		}
	}
	dH := 2 * math.Sqrt(c1p*c2p) * math.Sin(dh*rad/2)
	lb, cbp := (L1+L2)/2, (c1p+c2p)/2
	hb := h1 + h2
	if c1p*c2p != 0 {
		if math.Abs(h1-h2) > 180 {
			if h1+h2 < 360 {
				hb += 360
			} else {
				hb -= 360
			}
		}
		hb /= 2
	}
	t := 1 - 0.17*math.Cos((hb-30)*rad) + 0.24*math.Cos(2*hb*rad) + 0.32*math.Cos((3*hb+6)*rad) - 0.20*math.Cos((4*hb-63)*rad)
	dTheta := 30 * math.Exp(-math.Pow((hb-275)/25, 2))
	rc := 2 * math.Sqrt(math.Pow(cbp, 7)/(math.Pow(cbp, 7)+math.Pow(25, 7)))
	sl := 1 + 0.015*math.Pow(lb-50, 2)/math.Sqrt(20+math.Pow(lb-50, 2))
	sc := 1 + 0.045*cbp
	sh := 1 + 0.015*cbp*t
	rt := -math.Sin(2*dTheta*rad) * rc
	return math.Sqrt(math.Pow(dL/sl, 2) + math.Pow(dC/sc, 2) + math.Pow(dH/sh, 2) + rt*(dC/sc)*(dH/sh))
}

// Machado et al.'s matrices for full dichromacy, on linear RGB.
var colourBlindness = map[string][3][3]float64{
	"protanopia":   {{0.152286, 1.052583, -0.204868}, {0.114503, 0.786281, 0.099216}, {-0.003882, -0.048116, 1.051998}},
	"deuteranopia": {{0.367322, 0.860646, -0.227968}, {0.280085, 0.672501, 0.047413}, {-0.011820, 0.042940, 0.968881}},
	"tritanopia":   {{1.255528, -0.076749, -0.178779}, {-0.078411, 0.930809, 0.147602}, {0.004733, 0.691367, 0.303900}},
}

func simulate(c rgb, m [3][3]float64) rgb {
	l := [3]float64{srgbToLinear(c[0]), srgbToLinear(c[1]), srgbToLinear(c[2])}
	var out rgb
	for i := range 3 {
		out[i] = linearToSRGB(m[i][0]*l[0] + m[i][1]*l[1] + m[i][2]*l[2])
	}
	return out
}

func TestCIEDE2000(t *testing.T) {
	// Pairs from Sharma, Wu and Dalal's test data.
	for _, tc := range []struct {
		p, q [3]float64
		want float64
	}{
		{[3]float64{50, 2.6772, -79.7751}, [3]float64{50, 0, -82.7485}, 2.0425},
		{[3]float64{50, 0, 0}, [3]float64{50, -1, 2}, 2.3669},
		{[3]float64{50, 2.5, 0}, [3]float64{73, 25, -18}, 27.1492},
		{[3]float64{50, 2.5, 0}, [3]float64{56, -27, -3}, 31.9030},
		{[3]float64{2.0776, 0.0795, -1.1350}, [3]float64{0.9033, -0.0636, -0.5514}, 0.9082},
	} {
		if got := ciede2000(tc.p, tc.q); math.Abs(got-tc.want) > 1e-4 {
			t.Errorf("ΔE00(%v, %v) = %.4f, want %.4f", tc.p, tc.q, got, tc.want)
		}
	}
}

func TestStageColoursStayApart(t *testing.T) {
	names := []string{"discovery", "first contact", "participation", "sustained", "networked", "leadership", "not yet seen"}
	colours := append(stageColors[:], notYetColor)
	for _, tc := range []struct {
		vision string
		min    float64
	}{
		{"normal", 20},
		{"protanopia", 15},
		{"deuteranopia", 15},
		{"tritanopia", 15},
	} {
		t.Run(tc.vision, func(t *testing.T) {
			seen := func(c color.RGBA) [3]float64 {
				v := toRGB(c)
				if tc.vision != "normal" {
					v = simulate(v, colourBlindness[tc.vision])
				}
				return lab(v)
			}
			low := math.Inf(1)
			for i := range colours {
				for j := i + 1; j < len(colours); j++ {
					d := ciede2000(seen(colours[i]), seen(colours[j]))
					low = min(low, d)
					if d < tc.min {
						t.Errorf("%s and %s differ by ΔE00 %.1f, want at least %.0f", names[i], names[j], d, tc.min)
					}
				}
			}
			t.Logf("smallest ΔE00 %.1f", low)
		})
	}
}

func TestStagesGetDarkerUpTheLadder(t *testing.T) {
	// Discovery to networked participation: each darker than the last,
	// so that order reads without hue; leadership stands apart in hue.
	for i := 1; i < 5; i++ {
		a, b := lab(toRGB(stageColors[i-1]))[0], lab(toRGB(stageColors[i]))[0]
		if b > a-8 {
			t.Errorf("stage %d has lightness %.0f after %.0f: want at least 8 darker", i, b, a)
		}
	}
}
