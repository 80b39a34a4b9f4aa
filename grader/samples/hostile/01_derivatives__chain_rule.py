import sys


def chain_rule(dy_du, du_dx):
    return dy_du * du_dx


sys.exit("leaving early")
