# Shapewise example: the U-Net of unet_65_broken.py, made to fit 65x65 inputs.
#
# What it shows: the usual fix for the U-Net break. Three stride-2 levels need a size divisible
# by 2**3 = 8, so the 65x65 input is zero-padded to 72x72 (bottom/right), the network runs on
# 72 -> 36 -> 18 -> 9 and back 9 -> 18 -> 36 -> 72, every Concatenate gets equal sizes, and a
# Cropping2D gives back 65x65 before the classifier. (Resizing the data to 64x64 works too.)
#
# Shapewise reports no error here. It still explains the remaining 'same' layers:
# same-stride-downsamples on the downsampling Conv2D (72, 36 and 18 are even, so the size is
# exactly halved), same-asymmetric-padding on the same layer (on an even size TensorFlow pads
# 0 rows on top and 1 at the bottom, 0 columns left and 1 right), and same-transpose-upsamples on
# the Conv2DTranspose.
#
# Shapewise never runs this file. It is valid Keras 3 code.
import keras
from keras import layers

IMG_SIZE = 65
PADDED_SIZE = 72  # the next multiple of 8 from 65
PAD = PADDED_SIZE - IMG_SIZE
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
x = layers.ZeroPadding2D(padding=((0, PAD), (0, PAD)))(inputs)

# Encoder: each level keeps its feature map for the decoder, then halves the size exactly.
skips = []
for filters in [32, 64, 128]:
    x = conv_block(x, filters)
    skips.append(x)
    x = layers.Conv2D(filters, 3, strides=2, padding="same")(x)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)

# Bottleneck: 9x9.
x = conv_block(x, 256)

# Decoder: 9 -> 18 -> 36 -> 72, matching skips[2], skips[1] and skips[0].
x = up_block(x, skips[2], 128)
x = up_block(x, skips[1], 64)
x = up_block(x, skips[0], 32)

# Back to the input size, then a per-pixel classifier.
x = layers.Cropping2D(cropping=((0, PAD), (0, PAD)))(x)
outputs = layers.Conv2D(NUM_CLASSES, 1, activation="softmax")(x)
model = keras.Model(inputs, outputs, name="unet_65_fixed")
