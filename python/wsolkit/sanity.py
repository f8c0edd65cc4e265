"""Sanity-baseline maps the app scores like the methods (src/shared/{gaussian,sobel}/map.ts).

- centre Gaussian: exp(-((x-cx)^2/2sx^2 + (y-cy)^2/2sy^2)) over pixel centres, cx = (W-1)/2,
  sx = W/4 (wsolevaluation's "no learning" centre-Gaussian baseline);
- Sobel edges: sqrt(gx^2 + gy^2) of the grey levels with cv2.Sobel (ksize 3, BORDER_REFLECT_101).
The random map is the app's own seeded noise and has no Python counterpart.
"""
import cv2
import numpy as np

GAUSSIAN_SIGMA_FRACTION = 0.25


def centre_gaussian_map(height, width, sigma_fraction=GAUSSIAN_SIGMA_FRACTION):
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    dx = (x - (width - 1) / 2) / (sigma_fraction * width)
    dy = (y - (height - 1) / 2) / (sigma_fraction * height)
    return np.exp(-0.5 * (dx * dx + dy * dy)).astype(np.float32)


def grey_levels(rgb):
    """PIL convert('L') weights (ITU-R 601-2) without its rounding, as float32 0..255."""
    rgb = rgb.astype(np.float64)
    return ((rgb[..., 0] * 299 + rgb[..., 1] * 587 + rgb[..., 2] * 114) / 1000).astype(np.float32)


def sobel_magnitude(grey):
    gx = cv2.Sobel(grey, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(grey, cv2.CV_32F, 0, 1, ksize=3)
    return np.sqrt(gx * gx + gy * gy).astype(np.float32)


def sobel_edge_map(rgb, frame):
    """Grey levels, cv2 bilinear resize to frame (h, w), Sobel magnitude."""
    h, w = frame
    return sobel_magnitude(cv2.resize(grey_levels(rgb), (w, h), interpolation=cv2.INTER_LINEAR))
