"""The network view (issue 5), in parts: ``view`` wires the tree, the drawing (``layout`` places,
``canvas`` paints, ``hops`` puts a path on it), the exposures and the ``path_form``."""

from ui.views.network.view import NetworkView

__all__ = ["NetworkView"]
