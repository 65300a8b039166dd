"""analoglinalg.optimize"""
