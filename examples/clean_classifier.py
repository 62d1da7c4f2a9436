# Shapewise example: a small CIFAR-10 classifier with nothing to report.
#
# What it shows: Shapewise is quiet where nothing can go wrong. Stride-1 'same' convolutions
# with odd kernels (3x3, 5x5) keep the size and pad symmetrically (1/1, 2/2); 2x2 'valid' max
# pooling on even sizes (32 -> 16 -> 8 -> 4) uses every pixel. You still get the shapes as
# inlay hints and hovers, but no diagnostics.
#
# Shapewise never runs this file. It is valid Keras 3 code (TensorFlow 2.16+).
from tensorflow.keras import layers, models

NUM_CLASSES = 10

model = models.Sequential(
    [
        layers.Input(shape=(32, 32, 3)),
        layers.Conv2D(32, 3, padding="same", activation="relu"),
        layers.Conv2D(32, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(pool_size=2),
        layers.Conv2D(64, 3, padding="same", activation="relu"),
        layers.Conv2D(64, 5, padding="same", activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(128, (3, 3), padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(128, activation="relu"),
        layers.Dense(NUM_CLASSES, activation="softmax"),
    ],
    name="clean_cifar_cnn",
)
