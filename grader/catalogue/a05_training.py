"""placeholder"""
A = "05_training"
EXERCISES = []
