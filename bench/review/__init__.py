"""Standard review throughput: document intake of generated GB/T 1.1-shaped DOCX and PDF standards (see run.py)."""
