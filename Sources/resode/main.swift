import ResODE
print("resode")
