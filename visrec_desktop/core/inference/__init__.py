"""Inference: the model manifest, execution providers and the embedder (ONNX Runtime)."""
