"""Shared by the setup cells of 02 and 03: a small network drawn with its parameter names."""
from matplotlib.patches import Circle


def draw_graph(ax, units, edges, biases, title):
    """units: {key: ((x, y), label)}; edges: [(from, to, label, where along the edge 0..1)];
    biases: {key: (label, "above" or "below")}. Draws circles, arrows and parameter names."""
    for a, b, label, t in edges:
        (xa, ya), (xb, yb) = units[a][0], units[b][0]
        ax.annotate("", xy=(xb, yb), xytext=(xa, ya),
                    arrowprops=dict(arrowstyle="-|>", color="0.4", shrinkA=27, shrinkB=27))
        ax.text(xa + t * (xb - xa), ya + t * (yb - ya), label, ha="center", va="center", fontsize=10,
                color="tab:blue", bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none"))
    for key, ((x, y), label) in units.items():
        ax.add_patch(Circle((x, y), 0.42, fc="#f4f4f4", ec="black", zorder=3))
        ax.text(x, y, label, ha="center", va="center", fontsize=10, zorder=4)
    for key, (label, side) in biases.items():
        (x, y) = units[key][0]
        ax.text(x, y + (0.55 if side == "above" else -0.55), label, ha="center",
                va="bottom" if side == "above" else "top", fontsize=10, color="tab:red")
    ax.set_title(title)
    ax.set_aspect("equal")
    ax.axis("off")
    xs = [p[0][0] for p in units.values()]
    ys = [p[0][1] for p in units.values()]
    ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
    ax.set_ylim(min(ys) - 0.9, max(ys) + 0.9)
