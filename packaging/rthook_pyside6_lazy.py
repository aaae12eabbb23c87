# Runtime hook used instead of PyInstaller's pyi_rth_pyside6 (see visrec.spec).
#
# PyInstaller's hook imports PySide6.QtCore at start-up to register an embedded qt.conf, so every
# run of the frozen program loaded QtCore and ICU (about 45 MB of libraries), `visrec --version`
# and the command line included. This hook sets the same environment at once and registers the
# qt.conf right after PySide6.QtCore is first imported, which only the desktop app and the
# self-test do.


def _pyi_rthook():
    import importlib.abc
    import os
    import sys

    from _pyi_rth_utils import qt as qt_rth_utils

    qt_rth_utils.ensure_single_qt_bindings_package("PySide6")
    qt_path = os.path.join(sys._MEIPASS, "PySide6") if sys.platform.startswith("win") else \
        os.path.join(sys._MEIPASS, "PySide6", "Qt")
    os.environ["QT_PLUGIN_PATH"] = os.path.join(qt_path, "plugins")
    os.environ["QML2_IMPORT_PATH"] = os.path.join(qt_path, "qml")
    if sys.platform.startswith("win"):
        os.environ["PATH"] = sys._MEIPASS + os.pathsep + os.environ.get("PATH", "")

    class _AfterQtCore(importlib.abc.MetaPathFinder):
        """Runs create_embedded_qt_conf once PySide6.QtCore has been loaded."""

        def find_spec(self, name, path, target=None):
            if name != "PySide6.QtCore":
                return None
            sys.meta_path.remove(self)
            import importlib.util

            spec = importlib.util.find_spec(name)
            if spec is None or spec.loader is None:
                return spec
            load = spec.loader.exec_module

            def exec_module(module):
                load(module)
                qt_rth_utils.create_embedded_qt_conf("PySide6", qt_path)

            spec.loader.exec_module = exec_module
            return spec

    sys.meta_path.insert(0, _AfterQtCore())


_pyi_rthook()
del _pyi_rthook
