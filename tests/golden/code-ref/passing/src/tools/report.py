import os


def collect(root):
    return os.listdir(root)
