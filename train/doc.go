// Package train is edgeinfer's float32 training engine: a dataflow graph
// of layers (Model) with forward and backward passes for the operators the
// runtime supports, softmax cross-entropy and distillation losses,
// SGD-with-momentum and AdamW, a cosine schedule with warm-up, gradient
// clipping, image augmentation, fake quantization matching the runtime's
// int8 numerics (quant), and atomic checkpoints.
//
// Tensors are NCHW float32 with the batch first. Convolutions and fully
// connected layers run as GEMMs (im2col for convolutions) on train/sgemm;
// other loops are split over the batch or the channels between goroutines
// so that every value is computed by one goroutine in a fixed order: a run
// is reproducible for a seed whatever the number of cores.
package train
