"""analoglinalg.sketch"""
