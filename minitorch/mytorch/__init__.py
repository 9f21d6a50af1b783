"""`minitorch.mytorch`: the CMU 11-785 HW2P1 ("CNNs with NumPy") interface, engine-backed.

Laid out as the S24 handout's `mytorch` folder, so a student can import the same paths and
diff their own homework's outputs layer by layer:

    minitorch.mytorch.flatten          Flatten
    minitorch.mytorch.nn.resampling    Upsample1d, Downsample1d, Upsample2d, Downsample2d
    minitorch.mytorch.nn.Conv1d        Conv1d_stride1, Conv1d
    minitorch.mytorch.nn.Conv2d        Conv2d_stride1, Conv2d
    minitorch.mytorch.nn.ConvTranspose ConvTranspose1d, ConvTranspose2d
    minitorch.mytorch.nn.pool          MaxPool2d_stride1, MaxPool2d, MeanPool2d_stride1, MeanPool2d
    minitorch.mytorch.nn.linear        Linear
    minitorch.mytorch.nn.activation    Identity, Sigmoid, Tanh, ReLU
    minitorch.mytorch.nn.loss          CrossEntropyLoss
    minitorch.mytorch.models.cnn       CNN
    minitorch.mytorch.models.mlp_scan  CNN_SimpleScanningMLP, CNN_DistributedScanningMLP

numpy float64 arrays in and out, the handout's attribute names (`W`, `b`, `dLdW`, `dLdb`,
`conv1d_stride1`, `downsample1d`, ...) and constructors (`weight_init_fn`, `bias_init_fn`).
Every forward and backward runs through minitorch's autodiff (`mytorch/engine.py`); bad input
raises minitorch's typed errors naming the class and the shapes.

Example:
    >>> from minitorch.mytorch.nn.Conv1d import Conv1d
    >>> layer = Conv1d(3, 2, kernel_size=3, stride=2, padding=1)
    >>> Z = layer.forward(np.ones((4, 3, 9)))
    >>> Z.shape, layer.backward(np.ones_like(Z)).shape, layer.conv1d_stride1.dLdW.shape
    ((4, 2, 5), (4, 3, 9), (2, 3, 3))
"""

from . import flatten, models, nn

__all__ = ["flatten", "models", "nn"]
