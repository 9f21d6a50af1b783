"""PNG plots (matplotlib on an Agg canvas; pyplot and the global backend are left alone)."""

from minitorch.viz.plots import plot_confusion, plot_curves, plot_feature_maps, plot_filters

__all__ = ["plot_curves", "plot_filters", "plot_feature_maps", "plot_confusion"]
