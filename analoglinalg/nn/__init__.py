"""analoglinalg.nn"""
