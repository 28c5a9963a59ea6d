"""The bundled LLaMA-1 trainer: model, checkpoints (own, Meta, Hugging Face), training and generation.

Importing the package is cheap; the submodules load torch when used:
    model.model       Transformer, ModelArgs (Meta's names, RoPE pairing and SwiGLU rule)
    model.config      PRESETS (7B, 13B, 33B, 65B, tiny, small, 1b), TrainConfig (the recipe's `train:` section)
    model.checkpoint  save/load our checkpoints; export/import Meta's and Hugging Face's layouts; load_model
    model.train       train_from_recipe(), `llama-data train`
    model.generate    generate(), `llama-data generate`
    model.flops       torchtitan's FLOPs per token, the device peak table, MFU
"""
