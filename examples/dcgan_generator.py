# Shapewise example: the DCGAN generator of the TensorFlow tutorial (MNIST, 28x28x1).
#
# What it shows: what 'same' means for Conv2DTranspose. It does not keep the size: with
# padding='same' the output is n * strides, so 7 -> 7 (strides=1) -> 14 -> 28. TensorFlow gets
# there by computing the full transposed convolution, (n - 1)*s + k = 17 for n=7, k=5, s=2, and
# cropping k - s = 3 cells: 1 at the top/left and 2 at the bottom/right. That asymmetric crop
# has no PyTorch ConvTranspose2d(padding=p, output_padding=q) equivalent (use padding=0 and
# slice [1:15]).
#
# Shapewise reports same-transpose-upsamples and same-asymmetric-padding on the two stride-2
# Conv2DTranspose layers; the stride-1 one keeps 7x7 and crops 2/2, so it gets nothing.
#
# Shapewise never runs this file. It is valid Keras 3 code (TensorFlow 2.16+).
import tensorflow as tf

NOISE_DIM = 100

generator = tf.keras.Sequential(
    [
        tf.keras.Input(shape=(NOISE_DIM,)),
        tf.keras.layers.Dense(7 * 7 * 256, use_bias=False),
        tf.keras.layers.BatchNormalization(),
        tf.keras.layers.LeakyReLU(),
        tf.keras.layers.Reshape((7, 7, 256)),
        tf.keras.layers.Conv2DTranspose(128, (5, 5), strides=(1, 1), padding="same", use_bias=False),
        tf.keras.layers.BatchNormalization(),
        tf.keras.layers.LeakyReLU(),
        tf.keras.layers.Conv2DTranspose(64, (5, 5), strides=(2, 2), padding="same", use_bias=False),
        tf.keras.layers.BatchNormalization(),
        tf.keras.layers.LeakyReLU(),
        tf.keras.layers.Conv2DTranspose(1, (5, 5), strides=(2, 2), padding="same", use_bias=False, activation="tanh"),
    ],
    name="dcgan_generator",
)
