"""Reference for src/engine/data/adapt-images.test.ts: torch bilinear resize (align_corners=False, no antialias)
of the test's synthetic grey image, after copying grey to 3 channels. Run: /usr/bin/python3 test/reference/make-adapt-images-reference.py (Debian python3-torch)"""
import json
import torch
import torch.nn.functional as F

H = W = 7
grey = torch.tensor([[((y * 7 + x * 3) % 11) / 10 for x in range(W)] for y in range(H)], dtype=torch.float32)
rgb = grey.expand(1, 3, H, W)
out = {}
for size in (10, 4):
    resized = F.interpolate(rgb, size=(size, size), mode='bilinear', align_corners=False)
    out[str(size)] = resized[0].permute(1, 2, 0).reshape(-1).tolist()  # NHWC like the engine
with open('test/reference/adapt-images-reference.json', 'w') as f:
    json.dump({'torch': torch.__version__, 'source': 'make-adapt-images-reference.py', 'nhwc': out}, f)
