"""The Qt front end: widgets, item models and the one worker mechanism. A thin layer over
`visrec_desktop.core.library.Library`; it holds no SQL, ONNX or cryptography."""
