"""The lab's Python maths (goldens for src/shared): the τ curve agrees with the evaluators' own box
drawing at each τ, and the sanity maps behave as their definitions say."""
import numpy as np

from wsolkit.metrics import cal_iou, iou_tau_curve, tscam_get_bboxes, wsol_box_evaluator
from wsolkit.sanity import centre_gaussian_map, sobel_magnitude


def _blob(h=40, w=48):
    y, x = np.mgrid[0:h, 0:w]
    m = np.exp(-(((x - 30) / 6.0) ** 2 + ((y - 15) / 5.0) ** 2)).astype(np.float32)
    return ((m - m.min()) / (m.max() - m.min())).astype(np.float32)


def test_tau_curve_largest_is_tscam_box_iou_at_each_tau():
    m, gts = _blob(), [[20, 5, 40, 25]]
    taus = list(np.arange(0, 1, 0.01))
    curve = iou_tau_curve(m, gts, taus, "largest")
    for i in (0, 30, 77):
        assert curve[i] == cal_iou(tscam_get_bboxes(m, taus[i]), gts[0])


def test_tau_curve_all_gives_wsolevaluation_box_acc():
    m, gts = _blob(), [[20, 5, 40, 25]]
    taus = list(np.arange(0, 1, 0.01))
    curve = np.asarray(iou_tau_curve(m, gts, taus, "all"))
    acc = wsol_box_evaluator([m], [gts], 0.01, [30, 50, 70], True)
    # One image: MaxBoxAcc(δ) is 100 exactly when some τ reaches IoU ≥ δ.
    assert acc["maxBoxAcc"] == [100.0 * float((curve >= d / 100).any()) for d in (30, 50, 70)]


def test_centre_gaussian_peaks_in_the_middle_and_is_symmetric():
    g = centre_gaussian_map(9, 11)
    assert np.unravel_index(g.argmax(), g.shape) == (4, 5)
    assert np.allclose(g, g[::-1, ::-1])


def test_sobel_is_zero_on_flat_grey_and_high_on_an_edge():
    flat = np.full((8, 8), 100, np.float32)
    assert np.all(sobel_magnitude(flat) == 0)
    step = np.zeros((8, 8), np.float32)
    step[:, 4:] = 255
    mag = sobel_magnitude(step)
    assert mag[:, 3:5].min() > 0 and mag[:, 0].max() == 0
