"""analoglinalg.streaming"""
