"""WSOL metrics as the reference codebases compute them (TS-CAM's evaluator as GenPromp uses it, wsolevaluation's BoxEvaluator), restated in NumPy/cv2.

These are the definitions the TypeScript metrics are tested against (goldens from
python/scripts/make_numeric_goldens.py) and what `python -m wsolkit.evaluate` reports:
- TS-CAM/GenPromp evaluator: min-max map, uint8, > int(τ·255), largest contour's box;
- IoU with inclusive areas, error categories Cls/Right/M-Ins/Part/More/Wrong;
- wsolevaluation's BoxEvaluator (MaxBoxAcc, MaxBoxAccV2).
"""
import cv2
import numpy as np

# TS-CAM evaluator (GenPromp datasets/evaluation/cam.py), restated.

def tscam_normalize(cam):
    cam_min, cam_max = cam.min(), cam.max()
    with np.errstate(invalid="ignore", divide="ignore"):
        return (cam - cam_min) / (cam_max - cam_min)


def tscam_get_bboxes(cam, cam_thr):
    with np.errstate(invalid="ignore"):
        cam = (cam * 255.).astype(np.uint8)
    map_thr = cam_thr * np.max(cam)
    _, thr_gray_heatmap = cv2.threshold(cam, int(map_thr), 255, cv2.THRESH_TOZERO)
    contours, _ = cv2.findContours(thr_gray_heatmap, cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE)
    if len(contours) != 0:
        c = max(contours, key=cv2.contourArea)
        x, y, w, h = cv2.boundingRect(c)
        return [x, y, x + w, y + h]
    return [0, 0, 1, 1]


def cal_iou(box1, box2, method="iou"):
    box1 = np.asarray(box1, dtype=float)[np.newaxis, :]
    box2 = np.asarray(box2, dtype=float)[np.newaxis, :]
    iw = np.minimum(box1[:, 2], box2[:, 2]) - np.maximum(box1[:, 0], box2[:, 0]) + 1
    ih = np.minimum(box1[:, 3], box2[:, 3]) - np.maximum(box1[:, 1], box2[:, 1]) + 1
    i_area = np.maximum(iw, 0.0) * np.maximum(ih, 0.0)
    box1_area = (box1[:, 2] - box1[:, 0] + 1) * (box1[:, 3] - box1[:, 1] + 1)
    box2_area = (box2[:, 2] - box2[:, 0] + 1) * (box2[:, 3] - box2[:, 1] + 1)
    if method == "iog":
        return float(i_area / box2_area)
    if method == "iob":
        return float(i_area / box1_area)
    return float(i_area / (box1_area + box2_area - i_area))


def badcase_detail(pred_cls, pred_box, gt_boxes, gt_label, max_iou, max_gt_id):
    """get_badcase_detail → category name."""
    if pred_cls != gt_label:
        return "Cls"
    if max_iou > 0.5:
        return "Right"
    if len(gt_boxes) > 1:
        iogs = [cal_iou(pred_box, g, "iog") for g in gt_boxes]
        if sum(np.array(iogs) > 0.3) > 1:
            return "M-Ins"
    iog = cal_iou(pred_box, gt_boxes[max_gt_id], "iog")
    iob = cal_iou(pred_box, gt_boxes[max_gt_id], "iob")
    if iob > 0.5:
        return "Part"
    if iog >= 0.7:
        return "More"
    return "Wrong"


# wsolevaluation evaluation.py, restated.

def wsol_boxes_at_thresholds(scoremap, thresholds, multi_contour_eval):
    height, width = scoremap.shape
    scoremap_image = np.expand_dims((scoremap * 255).astype(np.uint8), 2)

    def scoremap2bbox(threshold):
        _, thr_gray_heatmap = cv2.threshold(
            src=scoremap_image, thresh=int(threshold * np.max(scoremap_image)), maxval=255, type=cv2.THRESH_BINARY)
        contours = cv2.findContours(image=thr_gray_heatmap, mode=cv2.RETR_TREE, method=cv2.CHAIN_APPROX_SIMPLE)[0]
        if len(contours) == 0:
            return np.asarray([[0, 0, 0, 0]]), 1
        if not multi_contour_eval:
            contours = [max(contours, key=cv2.contourArea)]
        boxes = []
        for contour in contours:
            x, y, w, h = cv2.boundingRect(contour)
            x0, y0, x1, y1 = x, y, x + w, y + h
            boxes.append([x0, y0, min(x1, width - 1), min(y1, height - 1)])
        return np.asarray(boxes), len(contours)

    out = [scoremap2bbox(t) for t in thresholds]
    return [b for b, _ in out], [n for _, n in out]


def calculate_multiple_iou(box_a, box_b):
    a = box_a[:, None, :]
    b = box_b[None, :, :]
    min_x = np.maximum(a[..., 0], b[..., 0])
    min_y = np.maximum(a[..., 1], b[..., 1])
    max_x = np.minimum(a[..., 2], b[..., 2])
    max_y = np.minimum(a[..., 3], b[..., 3])
    area_intersect = np.maximum(0, max_x - min_x + 1) * np.maximum(0, max_y - min_y + 1)
    area_a = (a[..., 2] - a[..., 0] + 1) * (a[..., 3] - a[..., 1] + 1)
    area_b = (b[..., 2] - b[..., 0] + 1) * (b[..., 3] - b[..., 1] + 1)
    denominator = area_a + area_b - area_intersect
    degenerate = np.where(denominator <= 0)
    denominator[degenerate] = 1
    ious = area_intersect / denominator
    ious[degenerate] = 0
    return ious


def wsol_box_evaluator(scoremaps, gt_boxes, cam_curve_interval, iou_threshold_list, multi_contour_eval):
    """BoxEvaluator: accumulate every map, then compute()."""
    cam_threshold_list = list(np.arange(0, 1, cam_curve_interval))
    num_correct = {t: np.zeros(len(cam_threshold_list)) for t in iou_threshold_list}
    cnt = 0
    for scoremap, gts in zip(scoremaps, gt_boxes):
        boxes_at_thresholds, number_of_box_list = wsol_boxes_at_thresholds(
            scoremap, cam_threshold_list, multi_contour_eval)
        boxes_at_thresholds = np.concatenate(boxes_at_thresholds, axis=0)
        multiple_iou = calculate_multiple_iou(np.array(boxes_at_thresholds), np.array(gts))
        idx = 0
        sliced_multiple_iou = []
        for nr_box in number_of_box_list:
            sliced_multiple_iou.append(max(multiple_iou.max(1)[idx:idx + nr_box]))
            idx += nr_box
        for t in iou_threshold_list:
            correct = np.where(np.asarray(sliced_multiple_iou) >= (t / 100))[0]
            num_correct[t][correct] += 1
        cnt += 1
    max_box_acc = [float((num_correct[t] * 100. / float(cnt)).max()) for t in iou_threshold_list]
    return {
        "numCorrect": [num_correct[t].astype(int).tolist() for t in iou_threshold_list],
        "maxBoxAcc": max_box_acc,
        "mean": float(np.average(max_box_acc)),
    }


# One image's IoU against τ (the app's τ curve), with the app's two box rules.

def iou_tau_curve(map01, gt_boxes, thresholds, region):
    """Best IoU of the predicted boxes with any GT box at every τ of `thresholds`.

    `map01` is a float32 min-max normalised map (its `·255` stays float32, as in the app).
    region 'largest': TS-CAM/GenPromp `get_bboxes` (largest contour, unclipped, [0,0,1,1] when
    empty), IoU by `cal_iou`; region 'all': wsolevaluation V2 boxes (every contour, clipped,
    [0,0,0,0] when empty), IoU by `calculate_multiple_iou`.
    """
    if region == "largest":
        return [max(cal_iou(tscam_get_bboxes(map01, t), g) for g in gt_boxes) for t in thresholds]
    boxes_per_tau, _ = wsol_boxes_at_thresholds(map01, thresholds, True)
    gts = np.asarray(gt_boxes)
    return [float(calculate_multiple_iou(np.asarray(b), gts).max()) for b in boxes_per_tau]
