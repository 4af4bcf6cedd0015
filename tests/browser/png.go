package main

// What a screenshot shows, in numbers: whether anything was drawn.

import (
	"fmt"
	"image/png"
	"os"
)

// pngStat writes the size of a PNG, how many distinct colours it has and
// what share of its pixels is not white: a blank page is one colour,
// nearly all white.
func pngStat(file string) (string, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return "", fmt.Errorf("%s: %v", file, err)
	}
	colours := map[[4]uint32]bool{}
	nonWhite := 0
	r := img.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, ca := img.At(x, y).RGBA()
			colours[[4]uint32{cr, cg, cb, ca}] = true
			if cr < 0xf000 || cg < 0xf000 || cb < 0xf000 {
				nonWhite++
			}
		}
	}
	pixels := r.Dx() * r.Dy()
	share := 0.0
	if pixels > 0 {
		share = 100 * float64(nonWhite) / float64(pixels)
	}
	return fmt.Sprintf("%dx%d colours=%d nonwhite=%.1f", r.Dx(), r.Dy(), len(colours), share), nil
}
