// SPDX-License-Identifier: GPL-3.0-or-later
// im2col and col2im for NCHW images (see convolution_kernels.h). One pass over
// the column matrix in its storage order; the inner loop runs along an output
// row, where the source index advances by the stride. The rows are short (Wo values), so
// the loops stay loops (no_builtin: no memcpy/memset call per row) in the instruction-set
// variants of cpu_dispatch.h.
#include "convolution_kernels.h"
#include "cpu_dispatch.h"

/* The output columns ow whose source column ow·s − p + offset lies in [0, width):
   [*first, *last). */
RESODE_ALWAYS_INLINE void valid_range(size_t output, size_t stride, long offset, size_t width,
                        size_t *first, size_t *last) {
    long lo = 0, hi = (long)output;
    if (offset < 0) lo = (-offset + (long)stride - 1) / (long)stride;
    /* need ow·s + offset ≤ width − 1 */
    long limit = (long)width - 1 - offset;
    if (limit < 0) hi = 0;
    else if (limit / (long)stride + 1 < hi) hi = limit / (long)stride + 1;
    if (lo > hi) lo = hi;
    *first = (size_t)lo;
    *last = (size_t)hi;
}

RESODE_ALWAYS_INLINE __attribute__((no_builtin("memcpy"), no_builtin("memset")))
void image_to_columns_body(const double *restrict image, double *restrict columns,
                             const resode_convolution_geometry *g) {
    const size_t L = g->output_height * g->output_width;
    const size_t rowLength = g->batch * L;
    for (size_t c = 0; c < g->channels; ++c)
        for (size_t i = 0; i < g->kernel_height; ++i)
            for (size_t j = 0; j < g->kernel_width; ++j) {
                double *row = columns + ((c * g->kernel_height + i) * g->kernel_width + j) * rowLength;
                long rowOffset = (long)(i * g->dilation_height) - (long)g->padding_height;
                long columnOffset = (long)(j * g->dilation_width) - (long)g->padding_width;
                size_t first, last;
                valid_range(g->output_width, g->stride_width, columnOffset, g->width, &first, &last);
                for (size_t n = 0; n < g->batch; ++n) {
                    const double *plane = image + (n * g->channels + c) * g->height * g->width;
                    for (size_t oh = 0; oh < g->output_height; ++oh) {
                        double *out = row + n * L + oh * g->output_width;
                        long h = (long)(oh * g->stride_height) + rowOffset;
                        if (h < 0 || h >= (long)g->height) {
                            for (size_t ow = 0; ow < g->output_width; ++ow) out[ow] = 0;
                            continue;
                        }
                        const double *source = plane + (size_t)h * g->width;
                        for (size_t ow = 0; ow < first; ++ow) out[ow] = 0;
                        if (g->stride_width == 1) {
                            for (size_t ow = first; ow < last; ++ow) out[ow] = source[(long)ow + columnOffset];
                        } else {
                            for (size_t ow = first; ow < last; ++ow)
                                out[ow] = source[(long)(ow * g->stride_width) + columnOffset];
                        }
                        for (size_t ow = last; ow < g->output_width; ++ow) out[ow] = 0;
                    }
                }
            }
}

RESODE_ALWAYS_INLINE __attribute__((no_builtin("memset")))
void columns_to_image_body(const double *restrict columns, double *restrict image,
                             const resode_convolution_geometry *g) {
    const size_t L = g->output_height * g->output_width;
    const size_t rowLength = g->batch * L;
    const size_t imageCount = g->batch * g->channels * g->height * g->width;
    for (size_t k = 0; k < imageCount; ++k) image[k] = 0;
    for (size_t c = 0; c < g->channels; ++c)
        for (size_t i = 0; i < g->kernel_height; ++i)
            for (size_t j = 0; j < g->kernel_width; ++j) {
                const double *row = columns + ((c * g->kernel_height + i) * g->kernel_width + j) * rowLength;
                long rowOffset = (long)(i * g->dilation_height) - (long)g->padding_height;
                long columnOffset = (long)(j * g->dilation_width) - (long)g->padding_width;
                size_t first, last;
                valid_range(g->output_width, g->stride_width, columnOffset, g->width, &first, &last);
                for (size_t n = 0; n < g->batch; ++n) {
                    double *plane = image + (n * g->channels + c) * g->height * g->width;
                    for (size_t oh = 0; oh < g->output_height; ++oh) {
                        long h = (long)(oh * g->stride_height) + rowOffset;
                        if (h < 0 || h >= (long)g->height) continue;
                        const double *in = row + n * L + oh * g->output_width;
                        double *target = plane + (size_t)h * g->width;
                        if (g->stride_width == 1) {
                            for (size_t ow = first; ow < last; ++ow) target[(long)ow + columnOffset] += in[ow];
                        } else {
                            for (size_t ow = first; ow < last; ++ow)
                                target[(long)(ow * g->stride_width) + columnOffset] += in[ow];
                        }
                    }
                }
            }
}

RESODE_VARIANTS(resode_image_to_columns, image_to_columns_body,
                __attribute__((no_builtin("memcpy"), no_builtin("memset"))),
                (const double *restrict image, double *restrict columns, const resode_convolution_geometry *g),
                (image, columns, g))
RESODE_VARIANTS(resode_columns_to_image, columns_to_image_body, __attribute__((no_builtin("memset"))),
                (const double *restrict columns, double *restrict image, const resode_convolution_geometry *g),
                (columns, image, g))
