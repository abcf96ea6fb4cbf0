//! Helpers for `benches/sign_verify.sh`: generate a large module, and run wascap's embed and
//! extract on a file so the benchmark compares wzt with the reference in the same run.
//!
//!     bench_tool gen OUT MIB        a valid core module of about MIB MiB (code and data)
//!     bench_tool wascap-embed IN OUT
//!     bench_tool wascap-extract IN

use std::process::ExitCode;

use wasm_encoder::{
    CodeSection, ConstExpr, DataSection, Function, FunctionSection, Instruction, MemorySection,
    MemoryType, Module, TypeSection,
};

fn generate(mib: usize) -> Vec<u8> {
    // Half code, half data: 10 KiB functions and one large active data segment.
    let half = mib << 19;
    let mut module = Module::new();
    let mut types = TypeSection::new();
    types.ty().function([], []);
    module.section(&types);
    let body_instructions = 10 * 1024 / 4; // `i32.const n` + `drop` ≈ 4 bytes
    let functions = (half / (body_instructions * 4)).max(1);
    let mut funcs = FunctionSection::new();
    for _ in 0..functions {
        funcs.function(0);
    }
    module.section(&funcs);
    let mut memory = MemorySection::new();
    let pages = (half as u64 >> 16) + 1;
    memory.memory(MemoryType {
        minimum: pages,
        maximum: None,
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    module.section(&memory);
    let mut code = CodeSection::new();
    for f in 0..functions {
        let mut body = Function::new([]);
        for i in 0..body_instructions {
            body.instruction(&Instruction::I32Const(((f * 31 + i) % 8000) as i32));
            body.instruction(&Instruction::Drop);
        }
        body.instruction(&Instruction::End);
        code.function(&body);
    }
    module.section(&code);
    let mut data = DataSection::new();
    let mut state = 0x2545F4914F6CDD1Du64;
    let bytes: Vec<u8> = (0..half)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    data.active(0, &ConstExpr::i32_const(0), bytes);
    module.section(&data);
    module.finish()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["gen", out, mib] => {
            std::fs::write(out, generate(mib.parse().expect("MiB"))).expect("write");
        }
        ["wascap-embed", input, output] => {
            let bytes = std::fs::read(input).expect("read");
            let account = nkeys::KeyPair::new_account();
            let module = nkeys::KeyPair::new_module();
            let claims = wascap::jwt::Claims::<wascap::jwt::Component>::new(
                "bench".into(),
                account.public_key(),
                module.public_key(),
                None,
                false,
                None,
                None,
                None,
            );
            let signed = wascap::wasm::embed_claims(&bytes, &claims, &account).expect("embed");
            std::fs::write(output, signed).expect("write");
        }
        ["wascap-extract", input] => {
            let bytes = std::fs::read(input).expect("read");
            let token = wascap::wasm::extract_claims(&bytes).expect("extract");
            let token = token.expect("signed");
            let v = wascap::jwt::validate_token::<wascap::jwt::Component>(&token.jwt)
                .expect("validate");
            if !v.signature_valid {
                return ExitCode::from(1);
            }
        }
        _ => {
            eprintln!("usage: bench_tool gen OUT MIB | wascap-embed IN OUT | wascap-extract IN");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
