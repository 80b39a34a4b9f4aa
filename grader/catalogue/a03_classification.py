"""placeholder"""
A = "03_classification"
EXERCISES = []
