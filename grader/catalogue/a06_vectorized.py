"""placeholder"""
A = "06_vectorized"
EXERCISES = []
