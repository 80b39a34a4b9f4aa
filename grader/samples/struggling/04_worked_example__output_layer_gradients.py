def output_layer_gradients(x, t, w, b):
    f = forward_2_2_2(x, w, b)
    d1 = -(t[0] - f["y1_final"]) * f["y1_final"] * (1 - f["y1_final"])
    d2 = -(t[1] - f["y2_final"]) * f["y2_final"] * (1 - f["y2_final"])
    # document 004, eq. (10), as printed
    return {"w5": d1 * f["H2_final"], "w6": d1 * f["H2_final"],
            "w7": d2 * f["H1_final"], "w8": d2 * f["H2_final"]}
