"""analoglinalg.distributed"""
