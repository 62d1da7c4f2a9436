# Shapewise end-to-end test model (opened in a real VS Code by test/e2e/run.sh).
# Keep the checked lines near the top (only visible lines are rendered). Line 8: the grammar.
import keras
from keras import layers

inputs = keras.Input(shape=(65, 65, 3))
x = layers.Conv2D(32, 3, strides=2, padding="same")(inputs)
x = layers.Conv2D(64, 3, padding="same", activation="relu")(x)  # shapewise: ignore[same-asymmetric-padding]
x = layers.MaxPooling2D(2)(x)
outputs = layers.Conv2D(1, 1, activation="sigmoid")(x)
model = keras.Model(inputs, outputs)
