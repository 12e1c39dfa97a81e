"""The demo city: generated data on real region and industry codes, every row marked as demo (示例)."""
