// Generates realistic Keras files of a given length for the benchmarks: import blocks,
// constants, helper blocks called per stage, Sequential models, functional U-Net-like models
// with skip connections, and plain Python in between (the way real training scripts look).
export function generateKerasFile(targetLines, seed = 1) {
  let s = seed >>> 0;
  const rand = (n) => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s % n;
  };
  const out = [
    'import math',
    'import numpy as np',
    'import tensorflow as tf',
    'from tensorflow import keras',
    'from tensorflow.keras import layers',
    '',
  ];
  let k = 0;
  for (;;) {
    k++;
    const before = out.length;
    const size = [32, 64, 65, 96, 128, 224, 33][rand(7)];
    const f = [8, 16, 32, 64][rand(4)];
    switch (rand(4)) {
      case 0:
        out.push(
          `IMG_${k} = ${size}`,
          `def block_${k}(x, filters, strides=1):`,
          `    x = layers.Conv2D(filters, 3, strides=strides, padding="same", use_bias=False)(x)`,
          `    x = layers.BatchNormalization()(x)`,
          `    x = layers.ReLU()(x)`,
          `    x = layers.Conv2D(filters, 3, padding="same")(x)`,
          `    return layers.Activation("relu")(x)`,
          '',
          `inputs_${k} = keras.Input(shape=(IMG_${k}, IMG_${k}, 3))`,
          `x = inputs_${k}`,
          `for i, f in enumerate([${f}, ${f * 2}, ${f * 4}]):`,
          `    x = block_${k}(x, f, strides=1 if i == 0 else 2)`,
          `x = layers.GlobalAveragePooling2D()(x)`,
          `outputs_${k} = layers.Dense(10, activation="softmax")(x)`,
          `model_${k} = keras.Model(inputs_${k}, outputs_${k}, name="classifier_${k}")`,
          '',
        );
        break;
      case 1:
        out.push(
          `model_${k} = keras.Sequential([`,
          `    layers.Conv2D(${f}, 3, activation="relu", input_shape=(${size}, ${size}, 1)),`,
          `    layers.MaxPooling2D(),`,
          `    layers.Conv2D(${f * 2}, 3, strides=2, padding="same"),`,
          `    layers.Dropout(0.25),`,
          `    layers.Flatten(),`,
          `    layers.Dense(128, activation="relu"),`,
          `    layers.Dense(10),`,
          `])`,
          '',
        );
        break;
      case 2:
        out.push(
          `def unet_${k}(size=${size}, base=${f}):`,
          `    inp = keras.Input((size, size, 1))`,
          `    skips = []`,
          `    x = inp`,
          `    for d in range(3):`,
          `        x = layers.Conv2D(base * 2 ** d, 3, padding="same", activation="relu")(x)`,
          `        skips.append(x)`,
          `        x = layers.MaxPooling2D(2)(x)`,
          `    for d in reversed(range(3)):`,
          `        x = layers.Conv2DTranspose(base * 2 ** d, 2, strides=2, padding="same")(x)`,
          `        x = layers.Concatenate()([x, skips[d]])`,
          `        x = layers.Conv2D(base * 2 ** d, 3, padding="same")(x)`,
          `    return keras.Model(inp, layers.Conv2D(1, 1)(x))`,
          '',
          `net_${k} = unet_${k}()`,
          '',
        );
        break;
      default:
        out.push(
          `def preprocess_${k}(batch, scale=${rand(9) + 1}):`,
          `    """Normalise a batch (plain Python the analysis passes over)."""`,
          `    mean = np.mean(batch, axis=0)`,
          `    if scale > 4:`,
          `        batch = batch / scale`,
          `    return (batch - mean) * math.sqrt(scale)`,
          '',
          `history_${k} = {"loss": [], "acc": []}`,
          `for epoch in range(3):`,
          `    history_${k}["loss"].append(epoch * 0.5)`,
          '',
        );
    }
    if (out.length > targetLines) {
      // Never cut a block in half: drop it and fill the rest with comments.
      out.length = before;
      while (out.length < targetLines) out.push(`# filler line ${out.length}`);
      break;
    }
  }
  return out.join('\n') + '\n';
}
