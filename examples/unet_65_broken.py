# Shapewise example: a U-Net that cannot be built on 65x65 inputs.
#
# What it shows: the classic U-Net break. A stride-2 'same' convolution does not halve an odd
# size, it rounds up: output = ceil(n / 2), so 65 -> 33 -> 17 -> 9. A Conv2DTranspose with
# strides=2 and padding='same' exactly doubles: n -> 2 * n. Doubling the 9x9 bottleneck gives
# 18x18, but the skip connection it is concatenated with is 17x17, so Keras raises a ValueError
# at the first Concatenate. (Every level has the same flaw: 17 doubled is 34, not 33, and 33
# doubled is 66, not 65.)
#
# Shapewise reports: same-stride-uneven on the downsampling Conv2D (65, 33 and 17 are odd),
# same-transpose-upsamples on the Conv2DTranspose, and shape-mismatch on the Concatenate.
# See unet_fixed.py for the same network made to fit.
#
# Shapewise never runs this file. It is valid Keras 3 code; running it raises at the Concatenate.
import keras
from keras import layers

IMG_SIZE = 65
NUM_CLASSES = 3


def conv_block(x, filters):
    """Two 3x3 'same' convolutions at stride 1: they keep the spatial size."""
    x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    return x


def up_block(x, skip, filters):
    """Upsample by 2, then merge the encoder feature map of the same level."""
    x = layers.Conv2DTranspose(filters, 2, strides=2, padding="same")(x)
    x = layers.Concatenate()([x, skip])
    return conv_block(x, filters)


inputs = keras.Input(shape=(IMG_SIZE, IMG_SIZE, 3))

# Encoder: each level keeps its feature map for the decoder, then halves the size (rounding up).
x = inputs
skips = []
for filters in [32, 64, 128]:
    x = conv_block(x, filters)
    skips.append(x)
    x = layers.Conv2D(filters, 3, strides=2, padding="same")(x)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)

# Bottleneck: 9x9.
x = conv_block(x, 256)

# Decoder: 9 -> 18, but skips[2] is 17x17.
x = up_block(x, skips[2], 128)
x = up_block(x, skips[1], 64)
x = up_block(x, skips[0], 32)

outputs = layers.Conv2D(NUM_CLASSES, 1, activation="softmax")(x)
model = keras.Model(inputs, outputs, name="unet_65")
