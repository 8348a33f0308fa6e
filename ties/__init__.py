"""Research Ties: evidence of research collaboration between Dutch institutions and
entities under China's Central Military Commission."""

from graph.settings import VERSION as __version__

__all__ = ["__version__"]
