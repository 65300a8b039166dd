"""analoglinalg.crossbar"""
