module github.com/app-netutil/app-netutil/bindings/go

go 1.19
