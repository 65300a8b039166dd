"""analoglinalg.devices"""
