"""Draws docs/images/icon.png, the package icon: a coupon ticket with notches and a tear line.
Standard library only, so anyone can regenerate it: python3 eng/make-icon.py"""
import struct, zlib, math

W = H = 128
BG = (0, 0, 0, 0)
BODY = (230, 92, 40, 255)      # persimmon orange
LINE = (255, 255, 255, 255)

def pixel(x, y):
    # Rounded ticket body from (8, 28) to (120, 100), corner radius 10.
    left, top, right, bottom, r = 8, 28, 120, 100, 10
    if not (left <= x < right and top <= y < bottom):
        return BG
    for cx, cy in ((left + r, top + r), (right - r - 1, top + r), (left + r, bottom - r - 1), (right - r - 1, bottom - r - 1)):
        if (x < left + r or x >= right - r) and (y < top + r or y >= bottom - r):
            if math.hypot(x - cx, y - cy) > r and abs(x - cx) <= r and abs(y - cy) <= r:
                return BG
    # Half-circle notches on both sides, at the tear line's height.
    if math.hypot(x - 84, y - top) < 9 or math.hypot(x - 84, y - bottom) < 9:
        return BG
    # Dashed tear line.
    if 83 <= x <= 85 and (y // 6) % 2 == 0:
        return LINE
    # A simple "%" on the stub: two rings and a slash.
    for cx, cy in ((30, 50), (58, 78)):
        if 4.5 <= math.hypot(x - cx, y - cy) <= 8:
            return LINE
    if abs((y - 92) + (x - 24) * (56 / 40)) < 3.2 and 24 <= x <= 66 and 36 <= y <= 92:
        return LINE
    return BODY

rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(W)) for y in range(H))
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 8, 6, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")
open("docs/images/icon.png", "wb").write(png)
