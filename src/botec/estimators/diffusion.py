"""Image and video generation by diffusion: FLOPs per denoising step from the model's shape and
the latent size, the text encoders and the VAE decode, and memory for weights and activations.

A DiT's cost follows from its shape: every token multiplies its block's weights (2 FLOP per
weight), and self-attention over n tokens of width d costs 4·n²·d per layer (QKᵀ and AV). A UNet
has no single width, so its cost is a published figure at a reference latent size, scaled: the
convolutions and projections with the number of latent positions, the attention scores with its
square (Peebles & Xie 2023 count DiT FLOPs the same way; the UNet references are in the catalog).
"""

from __future__ import annotations

from botec.core.sheet import Formula, Sheet, Value

LATENT_POSITIONS = Formula(
    "latent_positions",
    "width * height / vae_downsample ** 2",
    "positions",
    "Latent positions per frame",
    "The VAE turns each vae_downsample × vae_downsample block of pixels into one latent position.",
)
LATENT_FRAMES = Formula(
    "latent_frames",
    "1 + ceil((frames - 1) / vae_temporal_downsample)",
    "frames",
    "Latent frames",
    "A causal video VAE keeps the first frame and folds each later group of frames into one.",
)
IMAGE_TOKENS = Formula(
    "image_tokens",
    "latent_positions * latent_frames / patch_positions",
    "tokens",
    "Image tokens per denoiser pass",
    "Each token is one patch of latent positions (2×2 for most DiTs), in every latent frame.",
)
SEQUENCE_TOKENS = Formula(
    "sequence_tokens",
    "image_tokens + joint_text_tokens",
    "tokens",
    "Tokens in the attention sequence",
    "MMDiT models (SD3, FLUX, HunyuanVideo, CogVideoX) join the text tokens to the image tokens.",
)
PARAMS_PER_TOKEN = Formula(
    "denoiser_params_per_token",
    "layers * (projections * hidden_size ** 2 + 2 * hidden_size * ffn_size)",
    "params",
    "Weights each token multiplies (its blocks' projections and MLP)",
    "An MMDiT token uses its own stream's weights only; the per-sample modulation and the other "
    "stream's weights are not multiplied by every token.",
)
LINEAR_FLOP = Formula(
    "denoiser_linear_flop",
    "flop_per_param_per_token * denoiser_params_per_token * sequence_tokens",
    "FLOP",
    "Projection and MLP FLOPs per pass",
)
SELF_ATTENTION_FLOP = Formula(
    "self_attention_flop",
    "attention_flop_per_token_pair * layers * hidden_size * sequence_tokens ** 2",
    "FLOP",
    "Self-attention FLOPs per pass (QKᵀ and AV, every token with every token)",
    "Full, non-causal attention: the cost grows with the square of the tokens, which is what "
    "makes long and high-resolution videos expensive.",
)
CROSS_ATTENTION_FLOP = Formula(
    "cross_attention_flop",
    "attention_flop_per_token_pair * layers * hidden_size * image_tokens * cross_text_tokens",
    "FLOP",
    "Cross-attention FLOPs per pass (image tokens to text tokens)",
)
DIT_PASS_FLOP = Formula(
    "denoiser_pass_flop",
    "denoiser_linear_flop + self_attention_flop + cross_attention_flop",
    "FLOP",
    "Denoiser FLOPs per pass (one image or clip, one step)",
)
UNET_PASS_FLOP = Formula(
    "denoiser_pass_flop",
    "ref_flop_per_pass * latent_positions / ref_latent_positions "
    "* (1 - attention_share + attention_share * latent_positions / ref_latent_positions)",
    "FLOP",
    "Denoiser FLOPs per pass (one image or clip, one step)",
    "The reference cost scaled to this latent: convolutions and projections linearly in the "
    "positions, the attention scores (attention_share of the reference) with their square.",
)
STEP_FLOP = Formula(
    "step_flop",
    "guidance_passes * denoiser_pass_flop",
    "FLOP",
    "Denoiser FLOPs per step per image",
    "Classifier-free guidance runs a conditional and an unconditional pass (2); guidance-"
    "distilled models run one.",
)
DENOISE_FLOP = Formula(
    "denoise_flop", "steps * step_flop", "FLOP", "Denoising FLOPs per image", headline=True
)
TEXT_FLOP = Formula(
    "text_encode_flop",
    "guidance_passes * flop_per_param_per_token * text_encoder_params * text_tokens",
    "FLOP",
    "Text-encoder FLOPs per image (the prompt, and the empty prompt under guidance)",
)
VAE_FLOP = Formula(
    "vae_decode_flop",
    "vae_decode_flop_per_pixel * width * height * frames",
    "FLOP",
    "VAE decode FLOPs per image (every output pixel of every frame)",
)
TOTAL_FLOP = Formula(
    "generation_flop",
    "text_encode_flop + denoise_flop + vae_decode_flop",
    "FLOP",
    "FLOPs per image (text encoders, denoising, VAE decode)",
    headline=True,
)
WEIGHTS = Formula(
    "generator_weights_memory",
    "(denoiser_params + text_encoder_params + vae_params) * bytes_per_param",
    "B",
    "Weights in GPU memory (denoiser, text encoders, VAE)",
)
DENOISER_ACTIVATIONS = Formula(
    "denoiser_activation_memory",
    "batch * guidance_passes * sequence_tokens * (hidden_size + ffn_size) * bytes_per_token_dim",
    "B",
    "Denoiser activations at a step (the widest layer's input and output, every sequence)",
    "Inference keeps no activations for a backward pass: only a block's input and its MLP's "
    "widest output are alive at once (attention by a fused kernel never holds n² scores).",
)
VAE_ACTIVATIONS = Formula(
    "vae_activation_memory",
    "batch * vae_decode_frames * width * height * vae_decode_channels * activation_bytes "
    "* vae_live_tensors",
    "B",
    "VAE decode activations (full resolution, the frames decoded at once)",
    "At full resolution a resnet block holds its input, its output and the residual: 3 tensors "
    "of the widest channel count.",
)
PEAK_MEMORY = Formula(
    "generation_memory",
    "generator_weights_memory + max(denoiser_activation_memory, vae_activation_memory)",
    "B",
    "Peak GPU memory for one batch",
    "Denoising and decoding take turns, so the larger of their activations counts.",
    headline=True,
)


def latent_tokens(
    sheet: Sheet,
    *,
    width: Value,
    height: Value,
    vae_downsample: Value,
    frames: Value | None = None,
    vae_temporal_downsample: Value | None = None,
    patch_positions: Value | None = None,
) -> tuple[Value, Value, Value | None]:
    """Latent positions per frame, latent frames (1 for an image) and, for a DiT (given
    ``patch_positions``), the image tokens."""
    positions = sheet.step(
        LATENT_POSITIONS, width=width, height=height, vae_downsample=vae_downsample
    )
    if frames is not None and vae_temporal_downsample is not None:
        latent_frames = sheet.step(
            LATENT_FRAMES, frames=frames, vae_temporal_downsample=vae_temporal_downsample
        )
    else:
        latent_frames = sheet.constant("latent_frames", 1, "frames", "Latent frames", "an image")
    if patch_positions is None:
        return positions, latent_frames, None
    tokens = sheet.step(
        IMAGE_TOKENS,
        latent_positions=positions,
        latent_frames=latent_frames,
        patch_positions=patch_positions,
    )
    return positions, latent_frames, tokens


def dit_pass_flop(
    sheet: Sheet,
    *,
    image_tokens: Value,
    joint_text_tokens: Value,
    cross_text_tokens: Value,
    layers: Value,
    hidden_size: Value,
    ffn_size: Value,
    projections: Value,
    flop_per_param_per_token: Value,
) -> tuple[Value, Value]:
    """A DiT's FLOPs per pass from its shape, and the tokens in its attention sequence."""
    sequence = sheet.step(
        SEQUENCE_TOKENS, image_tokens=image_tokens, joint_text_tokens=joint_text_tokens
    )
    per_token = sheet.step(
        PARAMS_PER_TOKEN,
        layers=layers,
        projections=projections,
        hidden_size=hidden_size,
        ffn_size=ffn_size,
    )
    linear = sheet.step(
        LINEAR_FLOP,
        flop_per_param_per_token=flop_per_param_per_token,
        denoiser_params_per_token=per_token,
        sequence_tokens=sequence,
    )
    pair = attention_flop_per_token_pair(sheet)
    attention = sheet.step(
        SELF_ATTENTION_FLOP,
        attention_flop_per_token_pair=pair,
        layers=layers,
        hidden_size=hidden_size,
        sequence_tokens=sequence,
    )
    cross = sheet.step(
        CROSS_ATTENTION_FLOP,
        attention_flop_per_token_pair=pair,
        layers=layers,
        hidden_size=hidden_size,
        image_tokens=image_tokens,
        cross_text_tokens=cross_text_tokens,
    )
    total = sheet.step(
        DIT_PASS_FLOP,
        denoiser_linear_flop=linear,
        self_attention_flop=attention,
        cross_attention_flop=cross,
    )
    return total, sequence


def unet_pass_flop(
    sheet: Sheet,
    *,
    latent_positions: Value,
    ref_flop_per_pass: Value,
    ref_latent_positions: Value,
    attention_share: Value,
) -> Value:
    return sheet.step(
        UNET_PASS_FLOP,
        ref_flop_per_pass=ref_flop_per_pass,
        latent_positions=latent_positions,
        ref_latent_positions=ref_latent_positions,
        attention_share=attention_share,
    )


def attention_flop_per_token_pair(sheet: Sheet) -> Value:
    return sheet.constant(
        "attention_flop_per_token_pair",
        4,
        "FLOP/token/token",
        "Attention FLOPs per query-key token pair (per layer and width)",
        "QKᵀ and AV: a multiply-add (2 FLOPs) each per pair and dimension",
    )


def image_flop(
    sheet: Sheet,
    *,
    pass_flop: Value,
    guidance_passes: Value,
    steps: Value,
    text: tuple[Value, Value, Value],
    vae: tuple[Value, Value, Value, Value],
    noun: str = "image",
) -> tuple[Value, Value, Value, Value]:
    """Per image: FLOPs per step, text encoding, VAE decode, and the total.

    ``text`` is (flop_per_param_per_token, text_encoder_params, text_tokens); ``vae`` is
    (vae_decode_flop_per_pixel, width, height, frames)."""

    def per(formula: Formula) -> str:
        return formula.title.replace("image", noun)

    step = sheet.step(
        STEP_FLOP, title=per(STEP_FLOP), guidance_passes=guidance_passes,
        denoiser_pass_flop=pass_flop,
    )  # fmt: skip
    denoise = sheet.step(DENOISE_FLOP, title=per(DENOISE_FLOP), steps=steps, step_flop=step)
    flop_per_param, text_params, text_tokens = text
    text_flop = sheet.step(
        TEXT_FLOP,
        title=per(TEXT_FLOP),
        guidance_passes=guidance_passes,
        flop_per_param_per_token=flop_per_param,
        text_encoder_params=text_params,
        text_tokens=text_tokens,
    )
    per_pixel, width, height, frames = vae
    vae_flop = sheet.step(
        VAE_FLOP,
        title=per(VAE_FLOP),
        vae_decode_flop_per_pixel=per_pixel,
        width=width,
        height=height,
        frames=frames,
    )
    total = sheet.step(
        TOTAL_FLOP,
        title=per(TOTAL_FLOP),
        text_encode_flop=text_flop,
        denoise_flop=denoise,
        vae_decode_flop=vae_flop,
    )
    return step, text_flop, vae_flop, total
