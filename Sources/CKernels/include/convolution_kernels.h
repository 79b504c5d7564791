// SPDX-License-Identifier: GPL-3.0-or-later
// The two data movements behind convolution as a matrix product: image to
// columns (im2col) and its adjoint, columns to image (col2im).
#ifndef RESODE_CONVOLUTION_KERNELS_H
#define RESODE_CONVOLUTION_KERNELS_H
#include <stddef.h>

/// The geometry of one 2-D convolution window sweep over an NCHW image batch.
typedef struct {
    size_t batch, channels, height, width;
    size_t kernel_height, kernel_width;
    size_t stride_height, stride_width;
    size_t padding_height, padding_width;
    size_t dilation_height, dilation_width;
    size_t output_height, output_width;
} resode_convolution_geometry;

/// columns[(c·kh·kw + i·kw + j)·(N·L) + n·L + oh·Wo + ow]
///   = image[n, c, oh·sh − ph + i·dh, ow·sw − pw + j·dw]   (0 outside the image),
/// with L = Ho·Wo. `columns` has channels·kh·kw rows of N·L entries.
void resode_image_to_columns(const double *image, double *columns, const resode_convolution_geometry *g);

/// The adjoint of `resode_image_to_columns`: every image element receives the
/// sum of the column entries that copied it (entries that fell in the padding
/// are dropped). `image` is overwritten.
void resode_columns_to_image(const double *columns, double *image, const resode_convolution_geometry *g);

#endif
