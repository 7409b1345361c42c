"""Writes the first two test-set images of each Fashion-MNIST class as PNG
files named <index>_<class>.png (the class is the true label), so the demo
can report whether it was right."""
import gzip, os, sys
from PIL import Image

data, out = sys.argv[1], sys.argv[2]
with gzip.open(os.path.join(data, "t10k-images-idx3-ubyte.gz")) as f:
    images = f.read()[16:]
with gzip.open(os.path.join(data, "t10k-labels-idx1-ubyte.gz")) as f:
    labels = f.read()[8:]
os.makedirs(out, exist_ok=True)
for name in os.listdir(out):
    os.remove(os.path.join(out, name))
taken = {}
for i, label in enumerate(labels):
    if taken.get(label, 0) >= 2:
        continue
    taken[label] = taken.get(label, 0) + 1
    img = Image.frombytes("L", (28, 28), images[i * 784:(i + 1) * 784])
    img.save(os.path.join(out, "%05d_%d.png" % (i, label)), optimize=True)
    if len(taken) == 10 and all(v == 2 for v in taken.values()):
        break
