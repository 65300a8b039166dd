"""analoglinalg.linalg"""
