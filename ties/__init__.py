"""Research Ties: evidence of research collaboration between Dutch institutions and
entities under China's Central Military Commission."""

__version__ = "0.1.0"
