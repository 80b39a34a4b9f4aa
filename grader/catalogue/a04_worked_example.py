"""placeholder"""
A = "04_worked_example"
EXERCISES = []
