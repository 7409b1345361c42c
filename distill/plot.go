package distill

import "github.com/edgeinfer/edgeinfer/distill/plot"

// WritePlot draws the training curves as a PNG: per epoch, training loss
// (top panel) and training and validation accuracy (bottom panel).
func WritePlot(path string, curves []Epoch) error {
	var loss, trainAcc, valAcc []float64
	for _, e := range curves {
		loss = append(loss, e.TrainLoss)
		trainAcc = append(trainAcc, 100*e.TrainAcc)
		valAcc = append(valAcc, 100*e.ValAcc)
	}
	return plot.WritePNG(path, []plot.Panel{
		{Title: "TRAIN LOSS", Series: []plot.Series{{Name: "LOSS", Y: loss}}},
		{Title: "ACCURACY %", Series: []plot.Series{{Name: "TRAIN", Y: trainAcc}, {Name: "VAL", Y: valAcc}}},
	})
}
