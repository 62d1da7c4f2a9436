# Shapewise example: a ResNet-style stem ported by hand from PyTorch.
#
# What it shows: the shapes agree with PyTorch, the values do not. PyTorch pads symmetrically:
# nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3) pads 3 on every side of a 224x224 image.
# TensorFlow's 'same' pads P = max((ceil(n/s) - 1)*s + k - n, 0) in total and puts the odd cell
# after: for k=7, s=2 on 224 that is P = 5, split 2 before (top/left) and 3 after
# (bottom/right). For a stride-2 3x3 conv or pool on an even size it is 0 before and 1 after,
# where PyTorch's padding=1 pads 1 and 1. Both give 112 (or 56, 28, 14) outputs, but every
# window is shifted by one pixel, so weights copied from PyTorch give different results.
#
# Shapewise reports, on each stride-2 'same' layer of `model`: same-stride-downsamples (the
# size is halved, not kept) and same-asymmetric-padding (the exact per-side pads). `parity_stem`
# at the end shows the fix: explicit symmetric ZeroPadding2D + 'valid', exactly what PyTorch
# computes; it gets no diagnostics.
#
# Shapewise never runs this file. It is valid Keras 3 code (TensorFlow 2.16+ ships Keras 3 as
# tensorflow.keras).
from tensorflow import keras

model = keras.Sequential(
    [
        keras.Input(shape=(224, 224, 3)),
        # torch: nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)
        keras.layers.Conv2D(64, 7, strides=2, padding="same", use_bias=False),
        keras.layers.BatchNormalization(),
        keras.layers.ReLU(),
        # torch: nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        keras.layers.MaxPooling2D(pool_size=3, strides=2, padding="same"),
        # layer1: stride-1 3x3 convs pad 1/1 in both frameworks
        keras.layers.Conv2D(64, 3, padding="same", use_bias=False),
        keras.layers.BatchNormalization(),
        keras.layers.ReLU(),
        keras.layers.Conv2D(64, 3, padding="same", use_bias=False),
        keras.layers.BatchNormalization(),
        keras.layers.ReLU(),
    ],
    name="resnet_port",
)

# layer2: torch nn.Conv2d(64, 128, kernel_size=3, stride=2, padding=1, bias=False)
model.add(keras.layers.Conv2D(128, 3, strides=2, padding="same", use_bias=False))
model.add(keras.layers.BatchNormalization())
model.add(keras.layers.ReLU())
model.add(keras.layers.Conv2D(128, 3, padding="same", use_bias=False))
model.add(keras.layers.BatchNormalization())
model.add(keras.layers.ReLU())

# layer3: torch nn.Conv2d(128, 256, kernel_size=3, stride=2, padding=1, bias=False)
model.add(keras.layers.Conv2D(256, 3, strides=2, padding="same", use_bias=False))
model.add(keras.layers.BatchNormalization())
model.add(keras.layers.ReLU())

# head: torch nn.AdaptiveAvgPool2d(1) + flatten + nn.Linear(256, 1000)
model.add(keras.layers.GlobalAveragePooling2D())
model.add(keras.layers.Dense(1000))


# The fix for weight parity: pad exactly as PyTorch does, then convolve with 'valid'.
# (Zero padding before the max pool equals PyTorch's -inf padding here, since ReLU outputs are
# never negative.)
parity_stem = keras.Sequential(
    [
        keras.Input(shape=(224, 224, 3)),
        keras.layers.ZeroPadding2D(padding=3),
        keras.layers.Conv2D(64, 7, strides=2, padding="valid", use_bias=False),
        keras.layers.BatchNormalization(),
        keras.layers.ReLU(),
        keras.layers.ZeroPadding2D(padding=1),
        keras.layers.MaxPooling2D(pool_size=3, strides=2),
    ],
    name="resnet_stem_torch_parity",
)
