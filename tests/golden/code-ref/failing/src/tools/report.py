import os


def collect(root):
    return os.listdir(root)


class Report:
    def render(self):
        return "report"
