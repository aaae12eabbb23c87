<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AboutDialog</name>
    <message>
        <source>About visrec</source>
        <translation>关于 visrec</translation>
    </message>
</context>
<context>
    <name>CardDelegate</name>
    <message>
        <source>Liked</source>
        <translation>已喜欢</translation>
    </message>
    <message>
        <source>No image</source>
        <translation>无图片</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
</context>
<context>
    <name>CardView</name>
    <message>
        <source>Recommended items</source>
        <translation>推荐商品</translation>
    </message>
    <message>
        <source>L likes, D dislikes and H hides the selected item</source>
        <translation>按 L 喜欢、D 不喜欢、H 隐藏所选商品</translation>
    </message>
</context>
<context>
    <name>CatalogsPage</name>
    <message>
        <source>Catalog</source>
        <translation>商品目录</translation>
    </message>
    <message>
        <source>Publisher</source>
        <translation>发布者</translation>
    </message>
    <message>
        <source>Items</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Signature</source>
        <translation>签名</translation>
    </message>
    <message>
        <source>Installed</source>
        <translation>安装时间</translation>
    </message>
    <message>
        <source>Signed, key {fingerprint}</source>
        <translation>已签名，密钥指纹 {fingerprint}</translation>
    </message>
    <message>
        <source>Unsigned</source>
        <translation>未签名</translation>
    </message>
    <message>
        <source>1 item left out:</source>
        <translation>有 1 件商品未收录：</translation>
    </message>
    <message>
        <source>{n} items left out:</source>
        <translation>有 {n} 件商品未收录：</translation>
    </message>
    <message>
        <source>Updated “{name}” ({id}): {usable} of {items} items ready, in {seconds} s ({sources}).</source>
        <translation>已更新“{name}”（{id}）：{items} 件商品中 {usable} 件可用，耗时 {seconds} 秒（{sources}）。</translation>
    </message>
    <message>
        <source>Installed “{name}” ({id}): {usable} of {items} items ready, in {seconds} s ({sources}).</source>
        <translation>已安装“{name}”（{id}）：{items} 件商品中 {usable} 件可用，耗时 {seconds} 秒（{sources}）。</translation>
    </message>
    <message>
        <source>Publisher: {publisher}. {signature}.</source>
        <translation>发布者：{publisher}。{signature}。</translation>
    </message>
    <message>
        <source>Warning: {warning}.</source>
        <translation>警告：{warning}。</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>{name} ({id}) — demo catalog</source>
        <translation>{name}（{id}）— 演示目录</translation>
    </message>
    <message>
        <source>{usable} of {items} items usable; published {published}.</source>
        <translation>{items} 件商品中 {usable} 件可用；发布于 {published}。</translation>
    </message>
    <message>
        <source>This bundle of “{id}” was made {created}, before the installed version ({installed})</source>
        <translation>“{id}”的这个目录包制作于 {created}，早于已安装的版本（{installed}）</translation>
    </message>
    <message>
        <source>Catalogs</source>
        <translation>商品目录</translation>
    </message>
    <message>
        <source>Catalogs are product lists from shops, ranked here for your taste. Drop a catalog bundle (.zip or folder) on this page, or import one.</source>
        <translation>商品目录是商店提供的商品清单，visrec 会按你的喜好为其排序。把商品目录包（.zip 文件或文件夹）拖到此页，或点击“导入”。</translation>
    </message>
    <message>
        <source>Import...</source>
        <translation>导入…</translation>
    </message>
    <message>
        <source>Import a catalog bundle</source>
        <translation>导入商品目录包</translation>
    </message>
    <message>
        <source>Update...</source>
        <translation>更新…</translation>
    </message>
    <message>
        <source>Update the selected catalog from a new bundle</source>
        <translation>用新的目录包更新所选商品目录</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Remove the selected catalog</source>
        <translation>移除所选商品目录</translation>
    </message>
    <message>
        <source>Installed catalogs</source>
        <translation>已安装的商品目录</translation>
    </message>
    <message>
        <source>Catalog import progress</source>
        <translation>商品目录导入进度</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Cancel the catalog import</source>
        <translation>取消导入商品目录</translation>
    </message>
    <message>
        <source>Catalog details and import report</source>
        <translation>商品目录详情与导入报告</translation>
    </message>
    <message>
        <source>Select a catalog to see its details.</source>
        <translation>选择一个商品目录以查看详情。</translation>
    </message>
    <message>
        <source>{name} (demo)</source>
        <translation>{name}（演示）</translation>
    </message>
    <message>
        <source>{name} ({id}): a demo catalog, fictitious shop and prices</source>
        <translation>{name}（{id}）：演示目录，商店和价格均为虚构</translation>
    </message>
    <message>
        <source>{usable} of {items} usable</source>
        <translation>{usable}/{items} 件可用</translation>
    </message>
    <message>
        <source>1 item left out</source>
        <translation>有 1 件商品未收录</translation>
    </message>
    <message>
        <source>{n} items left out</source>
        <translation>有 {n} 件商品未收录</translation>
    </message>
    <message>
        <source>Import a catalog</source>
        <translation>导入商品目录</translation>
    </message>
    <message>
        <source>Choose the new version of “{id}”</source>
        <translation>选择“{id}”的新版本</translation>
    </message>
    <message>
        <source>Catalog bundles (*.zip);;All files (*)</source>
        <translation>商品目录包 (*.zip);;所有文件 (*)</translation>
    </message>
    <message>
        <source>{file} queued: imported after the current one</source>
        <translation>{file} 已排队：将在当前导入完成后导入</translation>
    </message>
    <message>
        <source>This bundle holds the catalog “{found}”, not a new version of “{expected}”. Use Import... to add it as another catalog</source>
        <translation>此目录包包含的是商品目录“{found}”，而不是“{expected}”的新版本。请使用“导入…”将其添加为另一个商品目录</translation>
    </message>
    <message>
        <source>Importing {file}...</source>
        <translation>正在导入 {file}…</translation>
    </message>
    <message>
        <source>Checking {file}...</source>
        <translation>正在检查 {file}…</translation>
    </message>
    <message>
        <source>Setting up the demo catalog...</source>
        <translation>正在准备演示目录…</translation>
    </message>
    <message>
        <source>{done} of {total} images</source>
        <translation>第 {done}/{total} 张图片</translation>
    </message>
    <message>
        <source> · about {seconds} s left</source>
        <translation> · 约剩 {seconds} 秒</translation>
    </message>
    <message>
        <source>Import of {file} cancelled: nothing changed.</source>
        <translation>已取消导入 {file}：没有任何更改。</translation>
    </message>
    <message>
        <source>Catalog import cancelled</source>
        <translation>已取消导入商品目录</translation>
    </message>
    <message>
        <source>Updated “{name}”: {usable} of {items} items ready</source>
        <translation>已更新“{name}”：{items} 件商品中 {usable} 件可用</translation>
    </message>
    <message>
        <source>Installed “{name}”: {usable} of {items} items ready</source>
        <translation>已安装“{name}”：{items} 件商品中 {usable} 件可用</translation>
    </message>
    <message>
        <source>Install an older version?</source>
        <translation>安装旧版本？</translation>
    </message>
    <message>
        <source>{reason}.

Installing it rolls the catalog back: items, prices or links the shop has since changed may come back. Install it anyway?</source>
        <translation>{reason}。

安装它会让商品目录回退：商店后来修改过的商品、价格或链接可能会恢复成旧的样子。仍要安装吗？</translation>
    </message>
    <message>
        <source>{file} was not installed: it is older than the installed version.</source>
        <translation>{file} 未安装：它比已安装的版本更旧。</translation>
    </message>
    <message>
        <source>{file} was not installed: {reason}.
The catalogs already installed have not changed.</source>
        <translation>{file} 未安装：{reason}。
已安装的商品目录没有任何变化。</translation>
    </message>
    <message>
        <source>Cancelling...</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>{file} is not a catalog bundle (a .zip file or a folder); photo folders go on the Library page</source>
        <translation>{file} 不是商品目录包（.zip 文件或文件夹）；照片文件夹请拖到“照片库”页</translation>
    </message>
    <message>
        <source>Remove catalog</source>
        <translation>移除商品目录</translation>
    </message>
    <message>
        <source>Remove the catalog “{name}”?

Your likes and dislikes on its items are kept in case you import it again.</source>
        <translation>移除商品目录“{name}”？

你对其中商品的喜欢和不喜欢会保留，以便你再次导入时使用。</translation>
    </message>
    <message>
        <source>Catalog “{id}” removed</source>
        <translation>已移除商品目录“{id}”</translation>
    </message>
</context>
<context>
    <name>ChangePassphraseDialog</name>
    <message>
        <source>Change passphrase</source>
        <translation>更改密码短语</translation>
    </message>
    <message>
        <source>The new passphrase opens your profile from now on; the old one stops working. It cannot be recovered if lost.</source>
        <translation>从现在起用新密码短语打开你的用户档案；旧密码短语将失效。新密码短语一旦遗忘将无法找回。</translation>
    </message>
    <message>
        <source>Current passphrase</source>
        <translation>当前密码短语</translation>
    </message>
    <message>
        <source>New passphrase</source>
        <translation>新密码短语</translation>
    </message>
    <message>
        <source>Repeat the new passphrase</source>
        <translation>再次输入新密码短语</translation>
    </message>
    <message>
        <source>Why the passphrase was not changed</source>
        <translation>密码短语未更改的原因</translation>
    </message>
    <message>
        <source>Current passphrase:</source>
        <translation>当前密码短语：</translation>
    </message>
    <message>
        <source>New passphrase:</source>
        <translation>新密码短语：</translation>
    </message>
    <message>
        <source>Repeat it:</source>
        <translation>再输入一次：</translation>
    </message>
    <message>
        <source>The new passphrase is the same as the current one.</source>
        <translation>新密码短语与当前密码短语相同。</translation>
    </message>
    <message>
        <source>Passphrase changed. The old one no longer opens this profile.</source>
        <translation>密码短语已更改。旧密码短语不能再打开此用户档案。</translation>
    </message>
    <message>
        <source>The current passphrase is not right. Nothing was changed.</source>
        <translation>当前密码短语不正确。没有做任何更改。</translation>
    </message>
</context>
<context>
    <name>ChoicesBox</name>
    <message>
        <source>What counts</source>
        <translation>计入哪些照片</translation>
    </message>
    <message>
        <source>Indexed folder</source>
        <translation>已索引的文件夹</translation>
    </message>
    <message>
        <source>Leave out</source>
        <translation>排除</translation>
    </message>
    <message>
        <source>Leave the chosen folder out of the profile</source>
        <translation>把所选文件夹排除在兴趣画像之外</translation>
    </message>
    <message>
        <source>Mark as favourite</source>
        <translation>设为收藏</translation>
    </message>
    <message>
        <source>Mark the chosen folder as a favourite</source>
        <translation>把所选文件夹设为收藏</translation>
    </message>
    <message>
        <source>Photos in favourite folders count twice</source>
        <translation>收藏文件夹中的照片按两倍计算</translation>
    </message>
    <message>
        <source>Other folder...</source>
        <translation>其他文件夹…</translation>
    </message>
    <message>
        <source>Choose another folder, such as a subfolder</source>
        <translation>选择其他文件夹，例如子文件夹</translation>
    </message>
    <message>
        <source>Leave out a photo...</source>
        <translation>排除一张照片…</translation>
    </message>
    <message>
        <source>Choose a photo to leave out of the profile</source>
        <translation>选择一张要排除在兴趣画像之外的照片</translation>
    </message>
    <message>
        <source>Folders and photos left out</source>
        <translation>已排除的文件夹和照片</translation>
    </message>
    <message>
        <source>Include again</source>
        <translation>重新计入</translation>
    </message>
    <message>
        <source>Include the selected folder or photo again</source>
        <translation>重新计入所选文件夹或照片</translation>
    </message>
    <message>
        <source>Favourite folders</source>
        <translation>收藏的文件夹</translation>
    </message>
    <message>
        <source>Unfavourite</source>
        <translation>取消收藏</translation>
    </message>
    <message>
        <source>Remove the selected folder from favourites</source>
        <translation>从收藏中移除所选文件夹</translation>
    </message>
    <message>
        <source>Reset profile...</source>
        <translation>重置兴趣画像…</translation>
    </message>
    <message>
        <source>Reset the profile</source>
        <translation>重置兴趣画像</translation>
    </message>
    <message>
        <source>Forget exclusions, favourites, interest names and likes; your photos stay indexed</source>
        <translation>忘掉排除项、收藏、兴趣名称和喜欢；你的照片仍保留索引</translation>
    </message>
    <message>
        <source>Folder:</source>
        <translation>文件夹：</translation>
    </message>
    <message>
        <source>Left out</source>
        <translation>已排除</translation>
    </message>
    <message>
        <source>Leave a photo out of your profile</source>
        <translation>把一张照片排除在兴趣画像之外</translation>
    </message>
    <message>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <source>All files</source>
        <translation>所有文件</translation>
    </message>
    <message>
        <source>Choose a folder</source>
        <translation>选择文件夹</translation>
    </message>
</context>
<context>
    <name>CountsChart</name>
    <message>
        <source>Noisy counts by category</source>
        <translation>各类别的加噪计数</translation>
    </message>
    <message>
        <source>The counts as released, noise included</source>
        <translation>发布的计数（含噪声）</translation>
    </message>
    <message>
        <source>After “Show preview”, the noisy counts of the release appear here by category, largest first.</source>
        <translation>点击“显示预览”后，本次发布的加噪计数会按类别显示在这里，数量最多的排在前面。</translation>
    </message>
</context>
<context>
    <name>DetailsPanel</name>
    <message>
        <source>Select an item to see it here, with the photos of yours it resembles.</source>
        <translation>选择一件商品，在这里查看它，以及与它相似的你的照片。</translation>
    </message>
    <message>
        <source>Item image (click to see it large)</source>
        <translation>商品图片（点击查看大图）</translation>
    </message>
    <message>
        <source>Close details (Esc)</source>
        <translation>关闭详情（Esc）</translation>
    </message>
    <message>
        <source>Item link (not opened by the app)</source>
        <translation>商品链接（应用不会打开）</translation>
    </message>
    <message>
        <source>Copy link</source>
        <translation>复制链接</translation>
    </message>
    <message>
        <source>Copy the item&apos;s link to the clipboard</source>
        <translation>把商品链接复制到剪贴板</translation>
    </message>
    <message>
        <source>visrec never opens the internet; paste the link into your browser if you want to visit the shop</source>
        <translation>visrec 从不联网；如果想访问商店，请把链接粘贴到浏览器中</translation>
    </message>
    <message>
        <source>Open product page…</source>
        <translation>打开商品页面…</translation>
    </message>
    <message>
        <source>Open the product page in your web browser</source>
        <translation>在网页浏览器中打开商品页面</translation>
    </message>
    <message>
        <source>Asks first; your browser, not visrec, connects to the shop</source>
        <translation>会先询问你；连接商店的是你的浏览器，而不是 visrec</translation>
    </message>
    <message>
        <source>Like</source>
        <translation>喜欢</translation>
    </message>
    <message>
        <source>Like this item</source>
        <translation>喜欢这件商品</translation>
    </message>
    <message>
        <source>More like this (L)</source>
        <translation>多推荐类似的（L）</translation>
    </message>
    <message>
        <source>Dislike</source>
        <translation>不喜欢</translation>
    </message>
    <message>
        <source>Dislike this item</source>
        <translation>不喜欢这件商品</translation>
    </message>
    <message>
        <source>Less like this (D)</source>
        <translation>少推荐类似的（D）</translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>隐藏</translation>
    </message>
    <message>
        <source>Hide this item</source>
        <translation>隐藏这件商品</translation>
    </message>
    <message>
        <source>Never show this item again (H)</source>
        <translation>不再显示这件商品（H）</translation>
    </message>
    <message>
        <source>Similar photo {n}</source>
        <translation>相似照片 {n}</translation>
    </message>
    <message>
        <source>Why this item</source>
        <translation>推荐理由</translation>
    </message>
    <message>
        <source>Category: {category}</source>
        <translation>类别：{category}</translation>
    </message>
    <message>
        <source>Finding the photos of yours it resembles…</source>
        <translation>正在查找与它相似的你的照片…</translation>
    </message>
    <message>
        <source>No link given</source>
        <translation>未提供链接</translation>
    </message>
    <message>
        <source>Recommended from your feedback and the catalog</source>
        <translation>根据你的反馈和商品目录推荐</translation>
    </message>
    <message>
        <source>No photos of yours to compare it with yet.</source>
        <translation>还没有可以与它比较的照片。</translation>
    </message>
    <message>
        <source>Your similar photo {n}, {percent}</source>
        <translation>你的相似照片 {n}，{percent}</translation>
    </message>
    <message>
        <source>Open product page</source>
        <translation>打开商品页面</translation>
    </message>
    <message>
        <source>Your web browser will open
{url}

The shop will see that visit. visrec itself sends nothing.</source>
        <translation>你的网页浏览器将打开
{url}

商店会看到这次访问。visrec 本身不发送任何内容。</translation>
    </message>
    <message>
        <source>Open in browser</source>
        <translation>在浏览器中打开</translation>
    </message>
    <message>
        <source>No image</source>
        <translation>无图片</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
</context>
<context>
    <name>DropZone</name>
    <message>
        <source>Drop zone: drag photo folders here</source>
        <translation>拖放区：把照片文件夹拖到这里</translation>
    </message>
    <message>
        <source>Drag photo folders here</source>
        <translation>把照片文件夹拖到这里</translation>
    </message>
    <message>
        <source>or use “Add folder...”. Photos are analysed on this computer and never uploaded.</source>
        <translation>或使用“添加文件夹…”。照片只在这台电脑上分析，绝不会上传。</translation>
    </message>
</context>
<context>
    <name>FeedbackDialog</name>
    <message>
        <source>Liked</source>
        <translation>喜欢</translation>
    </message>
    <message>
        <source>Disliked</source>
        <translation>不喜欢</translation>
    </message>
    <message>
        <source>Hidden</source>
        <translation>已隐藏</translation>
    </message>
    <message>
        <source>Everything</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Your feedback</source>
        <translation>你的反馈</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Take back</source>
        <translation>撤回</translation>
    </message>
    <message>
        <source>Take back the selected feedback</source>
        <translation>撤回所选反馈</translation>
    </message>
    <message>
        <source>The item returns to For You as if you had said nothing (Delete)</source>
        <translation>这件商品会回到“为你推荐”，就像你从未评价过一样（Delete 键）</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>显示：</translation>
    </message>
    <message>
        <source>catalog removed</source>
        <translation>商品目录已移除</translation>
    </message>
    <message>
        <source>1 item with feedback</source>
        <translation>1 件商品有反馈</translation>
    </message>
    <message>
        <source>{n} items with feedback</source>
        <translation>{n} 件商品有反馈</translation>
    </message>
    <message>
        <source>No feedback yet</source>
        <translation>还没有反馈</translation>
    </message>
    <message>
        <source>Took back feedback on 1 item</source>
        <translation>已撤回对 1 件商品的反馈</translation>
    </message>
    <message>
        <source>Took back feedback on {n} items</source>
        <translation>已撤回对 {n} 件商品的反馈</translation>
    </message>
</context>
<context>
    <name>FilterBar</name>
    <message>
        <source>All categories</source>
        <translation>所有类别</translation>
    </message>
    <message>
        <source>Search titles and categories</source>
        <translation>搜索商品名称和类别</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Lowest price</source>
        <translation>最低价格</translation>
    </message>
    <message>
        <source>Highest price</source>
        <translation>最高价格</translation>
    </message>
    <message>
        <source>Sort by</source>
        <translation>排序方式</translation>
    </message>
    <message>
        <source>Price and newest re-order your best matches</source>
        <translation>按价格或最新排序时，只重新排列与你最匹配的商品</translation>
    </message>
    <message>
        <source>Diversity</source>
        <translation>多样性</translation>
    </message>
    <message>
        <source>0: the closest matches only; higher: more variety</source>
        <translation>0：只显示最接近的匹配；越高：种类越多样</translation>
    </message>
    <message>
        <source>How many items to show</source>
        <translation>显示的商品数量</translation>
    </message>
    <message>
        <source>Show more</source>
        <translation>显示更多</translation>
    </message>
    <message>
        <source>Show more items</source>
        <translation>显示更多商品</translation>
    </message>
    <message>
        <source>Clear filters</source>
        <translation>清除筛选</translation>
    </message>
    <message>
        <source>Clear search and filters</source>
        <translation>清除搜索和筛选条件</translation>
    </message>
    <message>
        <source>Category:</source>
        <translation>类别：</translation>
    </message>
    <message>
        <source>Sort:</source>
        <translation>排序：</translation>
    </message>
    <message>
        <source>Price:</source>
        <translation>价格：</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Diversity:</source>
        <translation>多样性：</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>显示：</translation>
    </message>
    <message>
        <source>{category} ({n})</source>
        <translation>{category}（{n}）</translation>
    </message>
    <message>
        <source>Any</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>Any: no limit</source>
        <translation>不限：没有限制</translation>
    </message>
</context>
<context>
    <name>FolderTable</name>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Photos found</source>
        <translation>找到的照片</translation>
    </message>
    <message>
        <source>Indexed</source>
        <translation>已索引</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>已跳过</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Photo folders</source>
        <translation>照片文件夹</translation>
    </message>
    <message>
        <source>Photos found: photo files in the folder; indexed: analysed and part of your profile; skipped: could not be used (the list below says why)</source>
        <translation>找到的照片：文件夹中的照片文件；已索引：已分析并计入你的兴趣画像；已跳过：无法使用（下方列表说明原因）</translation>
    </message>
    <message>
        <source>Missing: not found (an unplugged drive?)</source>
        <translation>缺失：找不到（是否拔出了磁盘？）</translation>
    </message>
    <message>
        <source>Partly indexed: Rescan to finish</source>
        <translation>部分索引：重新扫描以完成</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <source>Looking for photos…</source>
        <translation>正在查找照片…</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>Indexing…</source>
        <translation>正在建立索引…</translation>
    </message>
</context>
<context>
    <name>ForYouPage</name>
    <message>
        <source>No photos indexed yet: add folders on the Library page to get personal recommendations</source>
        <translation>还没有为任何照片建立索引：在“照片库”页添加文件夹，即可获得个性化推荐</translation>
    </message>
    <message>
        <source>Your profile is still thin (1 photo): your likes and dislikes count for more until you add more photos on the Library page.</source>
        <translation>你的兴趣画像还很单薄（1 张照片）：在你于“照片库”页添加更多照片之前，你的喜欢和不喜欢会占更大比重。</translation>
    </message>
    <message>
        <source>Your profile is still thin ({n} photos): your likes and dislikes count for more until you add more photos on the Library page.</source>
        <translation>你的兴趣画像还很单薄（{n} 张照片）：在你于“照片库”页添加更多照片之前，你的喜欢和不喜欢会占更大比重。</translation>
    </message>
    <message>
        <source>Preparing your recommendations…</source>
        <translation>正在准备你的推荐…</translation>
    </message>
    <message>
        <source>Liked “{title}”.</source>
        <translation>已喜欢“{title}”。</translation>
    </message>
    <message>
        <source>Disliked “{title}”.</source>
        <translation>已标记为不喜欢“{title}”。</translation>
    </message>
    <message>
        <source>Hidden “{title}”.</source>
        <translation>已隐藏“{title}”。</translation>
    </message>
    <message>
        <source>Feedback removed from “{title}”.</source>
        <translation>已移除对“{title}”的反馈。</translation>
    </message>
    <message>
        <source>For You</source>
        <translation>为你推荐</translation>
    </message>
    <message>
        <source>Recommendation status</source>
        <translation>推荐状态</translation>
    </message>
    <message>
        <source>Your feedback…</source>
        <translation>你的反馈…</translation>
    </message>
    <message>
        <source>Your feedback: liked, disliked and hidden items</source>
        <translation>你的反馈：喜欢、不喜欢和已隐藏的商品</translation>
    </message>
    <message>
        <source>See and take back what you liked, disliked or hid</source>
        <translation>查看并撤回你喜欢、不喜欢或隐藏的商品</translation>
    </message>
    <message>
        <source>Card size</source>
        <translation>卡片大小</translation>
    </message>
    <message>
        <source>Card size (Ctrl + and Ctrl -)</source>
        <translation>卡片大小（Ctrl + 和 Ctrl -）</translation>
    </message>
    <message>
        <source>Card size:</source>
        <translation>卡片大小：</translation>
    </message>
    <message>
        <source>Ranking…</source>
        <translation>正在排序…</translation>
    </message>
    <message>
        <source>“{names}” is a demo: sample items with fictitious prices, shipped with visrec. Import a shop&apos;s catalog on the Catalogs page.</source>
        <translation>“{names}”是演示目录：随 visrec 附带的示例商品，价格均为虚构。可在“商品目录”页导入真实商店的目录。</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>1 item</source>
        <translation>1 件商品</translation>
    </message>
    <message>
        <source>{n} items</source>
        <translation>{n} 件商品</translation>
    </message>
    <message>
        <source>No catalog installed: import one on the Catalogs page.</source>
        <translation>尚未安装商品目录：请在“商品目录”页导入一个。</translation>
    </message>
    <message>
        <source>No items match this search and these filters: try “Clear filters”.</source>
        <translation>没有符合此搜索和筛选条件的商品：试试“清除筛选”。</translation>
    </message>
    <message>
        <source>Every item is hidden or disliked: take some back under “Your feedback”.</source>
        <translation>所有商品都已隐藏或被标记为不喜欢：可在“你的反馈”中撤回一些。</translation>
    </message>
    <message>
        <source>Your similar photos</source>
        <translation>你的相似照片</translation>
    </message>
    <message>
        <source>Undone: “{title}” is back as it was.</source>
        <translation>已撤销：“{title}”已恢复原状。</translation>
    </message>
</context>
<context>
    <name>ImageViewer</name>
    <message>
        <source>Viewer</source>
        <translation>查看器</translation>
    </message>
    <message>
        <source>Large image</source>
        <translation>大图</translation>
    </message>
    <message>
        <source>Zoom: wheel or Ctrl+= / Ctrl+−; Ctrl+0 fits the window, Ctrl+1 shows actual pixels, a double-click switches between the two. Drag or use the arrow keys to move a zoomed image.</source>
        <translation>缩放：滚轮或 Ctrl+= / Ctrl+−；Ctrl+0 适合窗口，Ctrl+1 显示实际像素，双击在两者之间切换。放大后可拖动或用方向键移动图片。</translation>
    </message>
    <message>
        <source>← Previous</source>
        <translation>← 上一张</translation>
    </message>
    <message>
        <source>Previous image</source>
        <translation>上一张图片</translation>
    </message>
    <message>
        <source>Next →</source>
        <translation>下一张 →</translation>
    </message>
    <message>
        <source>Next image</source>
        <translation>下一张图片</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Esc</source>
        <translation>Esc</translation>
    </message>
    <message>
        <source>{n} of {total}</source>
        <translation>第 {n}/{total} 张</translation>
    </message>
    <message>
        <source>No image</source>
        <translation>无图片</translation>
    </message>
    <message>
        <source>This image cannot be shown</source>
        <translation>无法显示此图片</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>{zoom} (fit)</source>
        <translation>{zoom}（适合窗口）</translation>
    </message>
</context>
<context>
    <name>IndexingBar</name>
    <message>
        <source>Idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <source>Indexing status</source>
        <translation>索引状态</translation>
    </message>
    <message>
        <source>Indexing progress</source>
        <translation>索引进度</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Pause indexing</source>
        <translation>暂停建立索引</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Cancel indexing</source>
        <translation>取消建立索引</translation>
    </message>
    <message>
        <source>See your recommendations</source>
        <translation>查看你的推荐</translation>
    </message>
    <message>
        <source>Open For You: the catalog ranked by what your photos show</source>
        <translation>打开“为你推荐”：按你的照片内容排序的商品目录</translation>
    </message>
    <message>
        <source>Looking for photos...</source>
        <translation>正在查找照片…</translation>
    </message>
    <message>
        <source>Nothing new to index</source>
        <translation>没有需要索引的新内容</translation>
    </message>
    <message>
        <source>%1 of %2 photos</source>
        <translation>第 %1/%2 张照片</translation>
    </message>
    <message>
        <source>%1 photos/s</source>
        <translation>%1 张/秒</translation>
    </message>
    <message>
        <source>estimating time left…</source>
        <translation>正在估算剩余时间…</translation>
    </message>
    <message>
        <source>about %1 left</source>
        <translation>约剩 %1</translation>
    </message>
    <message>
        <source>Indexing</source>
        <translation>正在建立索引</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>Cancelling: saving what is done...</source>
        <translation>正在取消：保存已完成的部分…</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Resume indexing</source>
        <translation>继续建立索引</translation>
    </message>
    <message>
        <source>All photos indexed</source>
        <translation>所有照片均已索引</translation>
    </message>
</context>
<context>
    <name>LibraryPage</name>
    <message>
        <source>Empty file</source>
        <translation>空文件</translation>
    </message>
    <message>
        <source>Not a photo (the content is not an image)</source>
        <translation>不是照片（内容不是图片）</translation>
    </message>
    <message>
        <source>Damaged or incomplete image</source>
        <translation>图片已损坏或不完整</translation>
    </message>
    <message>
        <source>Image format not supported</source>
        <translation>不支持的图片格式</translation>
    </message>
    <message>
        <source>Too large to open safely</source>
        <translation>太大，无法安全打开</translation>
    </message>
    <message>
        <source>No permission to read it</source>
        <translation>没有读取权限</translation>
    </message>
    <message>
        <source>Could not be read</source>
        <translation>无法读取</translation>
    </message>
    <message>
        <source>Link that leads back to itself</source>
        <translation>指向自身的链接</translation>
    </message>
    <message>
        <source>Link to something that is gone</source>
        <translation>指向已不存在目标的链接</translation>
    </message>
    <message>
        <source>Video, not indexed</source>
        <translation>视频，未索引</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 分 %2 秒</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分</translation>
    </message>
    <message>
        <source>1 photo</source>
        <translation>1 张照片</translation>
    </message>
    <message>
        <source>%1 photos</source>
        <translation>%1 张照片</translation>
    </message>
    <message>
        <source>1 video</source>
        <translation>1 个视频</translation>
    </message>
    <message>
        <source>%1 videos</source>
        <translation>%1 个视频</translation>
    </message>
    <message>
        <source>1 folder</source>
        <translation>1 个文件夹</translation>
    </message>
    <message>
        <source>%1 folders</source>
        <translation>%1 个文件夹</translation>
    </message>
    <message>
        <source>Indexing cancelled: %1 indexed before stopping; the rest is picked up next time.</source>
        <translation>已取消建立索引：停止前已索引 %1；其余的会在下次继续。</translation>
    </message>
    <message>
        <source>Indexing finished in %1 s: %2 indexed</source>
        <translation>索引完成，用时 %1 秒：已索引 %2</translation>
    </message>
    <message>
        <source> (%1 analysed, %2 photos/s)</source>
        <translation>（分析了 %1 张，%2 张/秒）</translation>
    </message>
    <message>
        <source>, %1 unchanged, %2 skipped, %3 removed.</source>
        <translation>，%1 张未变，%2 张已跳过，%3 张已移除。</translation>
    </message>
    <message>
        <source>%1 seen (video, not indexed).</source>
        <translation>发现 %1（视频，未索引）。</translation>
    </message>
    <message>
        <source>Not found: %1.</source>
        <translation>找不到：%1。</translation>
    </message>
    <message>
        <source>Library</source>
        <translation>照片库</translation>
    </message>
    <message>
        <source>Library messages</source>
        <translation>照片库消息</translation>
    </message>
    <message>
        <source>Add folder...</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <source>Add a photo folder</source>
        <translation>添加照片文件夹</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Remove the selected folder from the library</source>
        <translation>从照片库中移除所选文件夹</translation>
    </message>
    <message>
        <source>Forget the folder and what was learnt from it; the photos themselves are not touched</source>
        <translation>忘掉该文件夹以及从中学到的内容；照片本身不受影响</translation>
    </message>
    <message>
        <source>Rescan</source>
        <translation>重新扫描</translation>
    </message>
    <message>
        <source>Rescan all folders</source>
        <translation>重新扫描所有文件夹</translation>
    </message>
    <message>
        <source>Look for new, changed and deleted photos (F5)</source>
        <translation>查找新增、修改和删除的照片（F5）</translation>
    </message>
    <message>
        <source>Folders</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>%1 looks like a catalog: drop catalogs on the Catalogs page.</source>
        <translation>%1 看起来是商品目录：请把商品目录拖到“商品目录”页。</translation>
    </message>
    <message>
        <source>%1 files</source>
        <translation>%1 个文件</translation>
    </message>
    <message>
        <source>Only folders can be added here, so %1 was left out. Drop the folder that holds your photos instead.</source>
        <translation>这里只能添加文件夹，因此 %1 未被添加。请改为拖入存放照片的文件夹。</translation>
    </message>
    <message>
        <source>%1 queued: indexed after the current run.</source>
        <translation>%1 已排队：将在本次完成后建立索引。</translation>
    </message>
    <message>
        <source>Rescan queued: it starts after the current run.</source>
        <translation>重新扫描已排队：将在本次完成后开始。</translation>
    </message>
    <message>
        <source>%1 could not be found (an unplugged drive?). Their photos stay in your profile until you remove the folder.</source>
        <translation>找不到 %1（是否拔出了磁盘？）。在你移除该文件夹之前，其中的照片仍保留在你的兴趣画像中。</translation>
    </message>
    <message>
        <source>Remove folder</source>
        <translation>移除文件夹</translation>
    </message>
    <message>
        <source>Remove %1 from your library?

What visrec learnt from its photos is forgotten. The photos themselves stay where they are.</source>
        <translation>从照片库中移除 %1？

visrec 从其中照片学到的内容将被忘掉。照片本身仍在原处。</translation>
    </message>
    <message>
        <source>Folder removed from the library</source>
        <translation>已从照片库中移除文件夹</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Pages</source>
        <translation>页面</translation>
    </message>
    <message>
        <source>{page} (Ctrl+{n})</source>
        <translation>{page}（Ctrl+{n}）</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Add photo folder...</source>
        <translation>添加照片文件夹(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Import catalog...</source>
        <translation>导入商品目录(&amp;I)…</translation>
    </message>
    <message>
        <source>&amp;Rescan folders</source>
        <translation>重新扫描文件夹(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Lock</source>
        <translation>锁定(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>转到(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About visrec</source>
        <translation>关于 visrec(&amp;A)</translation>
    </message>
    <message>
        <source>Unlocked</source>
        <translation>已解锁</translation>
    </message>
</context>
<context>
    <name>PrivacyPage</name>
    <message>
        <source>Privacy</source>
        <translation>隐私</translation>
    </message>
    <message>
        <source>&lt;h2&gt;Share your interests privately&lt;/h2&gt;&lt;p&gt;You can give a shop a rough picture of what you like (for example “mostly outdoor gear and coffee things”) without revealing any photo. visrec counts your photos per interest category and adds random noise, so that nobody can tell from the result whether any single photo is in your library (differential privacy).&lt;/p&gt;&lt;p&gt;&lt;b&gt;ε (epsilon)&lt;/b&gt; sets how much each release may reveal: &lt;b&gt;smaller is more private and noisier&lt;/b&gt;; larger is more accurate and reveals more. Every release spends its ε from your privacy budget, and once the budget is used up, no more exports are possible. Showing the preview is the release: it spends ε even if you do not save the file. Asking again today for the same thing shows the same numbers and spends nothing.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;私密地分享你的兴趣&lt;/h2&gt;&lt;p&gt;你可以让商店大致了解你喜欢什么（例如“主要是户外装备和咖啡用品”），而不泄露任何一张照片。visrec 按兴趣类别统计你的照片数量并加入随机噪声，这样谁也无法从结果中判断某一张照片是否在你的照片库中（差分隐私）。&lt;/p&gt;&lt;p&gt;&lt;b&gt;ε&lt;/b&gt;决定每次发布最多能泄露多少信息：&lt;b&gt;越小越私密，噪声也越大&lt;/b&gt;；越大越准确，泄露的也越多。每次发布都会从你的隐私预算中扣除其 ε，预算用完后就不能再导出。显示预览就是发布：即使你不保存文件，也会消耗 ε。今天再次请求同样的内容会显示相同的数字，不再消耗预算。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Privacy budget remaining</source>
        <translation>剩余隐私预算</translation>
    </message>
    <message>
        <source>Epsilon for this release</source>
        <translation>本次发布的 ε</translation>
    </message>
    <message>
        <source>General interest categories</source>
        <translation>通用兴趣类别</translation>
    </message>
    <message>
        <source>The catalog&apos;s own categories</source>
        <translation>商品目录自己的类别</translation>
    </message>
    <message>
        <source>Categories</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Show preview (spends ε)...</source>
        <translation>显示预览（消耗 ε）…</translation>
    </message>
    <message>
        <source>Show preview</source>
        <translation>显示预览</translation>
    </message>
    <message>
        <source>Chart of the released counts</source>
        <translation>已发布计数的图表</translation>
    </message>
    <message>
        <source>Exactly what will be written</source>
        <translation>将要写入的全部内容</translation>
    </message>
    <message>
        <source>Chart</source>
        <translation>图表</translation>
    </message>
    <message>
        <source>The file, as it will be saved</source>
        <translation>将要保存的文件</translation>
    </message>
    <message>
        <source>Save to file...</source>
        <translation>保存到文件…</translation>
    </message>
    <message>
        <source>New total budget</source>
        <translation>新的隐私预算总额</translation>
    </message>
    <message>
        <source>Lower budget...</source>
        <translation>调低预算…</translation>
    </message>
    <message>
        <source>Budget:</source>
        <translation>预算：</translation>
    </message>
    <message>
        <source>ε for this release:</source>
        <translation>本次发布的 ε：</translation>
    </message>
    <message>
        <source>Categories:</source>
        <translation>类别：</translation>
    </message>
    <message>
        <source>Lower the total budget to:</source>
        <translation>把隐私预算总额调低到：</translation>
    </message>
    <message>
        <source>Each count will be off by about %1 on average.</source>
        <translation>每个计数平均会偏差约 %1。</translation>
    </message>
    <message>
        <source>1 release so far</source>
        <translation>迄今已发布 1 次</translation>
    </message>
    <message>
        <source>no releases yet</source>
        <translation>尚未发布过</translation>
    </message>
    <message>
        <source>%1 releases so far</source>
        <translation>迄今已发布 %1 次</translation>
    </message>
    <message>
        <source>%1 of %2 left (%3)</source>
        <translation>还剩 %1（共 %2），%3</translation>
    </message>
    <message>
        <source>This repeats today&apos;s release at ε %1: the same numbers come back and nothing is spent; %2 left.</source>
        <translation>这与今天 ε %1 的发布相同：会返回同样的数字，不消耗任何预算；还剩 %2。</translation>
    </message>
    <message>
        <source>Show today&apos;s release again?</source>
        <translation>再次显示今天的发布？</translation>
    </message>
    <message>
        <source>Show again</source>
        <translation>再次显示</translation>
    </message>
    <message>
        <source>Showing the preview releases your noisy counts and spends ε = %1 of your privacy budget.

Budget left now: %2 of %3. Left after this release: %4.

(If you already released exactly this today, the same numbers are shown again and nothing is spent.)</source>
        <translation>显示预览就会发布你的加噪计数，并从隐私预算中消耗 ε = %1。

当前预算还剩 %2（共 %3），本次发布后还剩 %4。

（如果你今天已经发布过完全相同的内容，会再次显示相同的数字，不会消耗预算。）</translation>
    </message>
    <message>
        <source>Spend ε %1 and show</source>
        <translation>消耗 ε %1 并显示</translation>
    </message>
    <message>
        <source>Spend privacy budget?</source>
        <translation>消耗隐私预算？</translation>
    </message>
    <message>
        <source>Save interests</source>
        <translation>保存兴趣</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <source>Lower the budget</source>
        <translation>调低预算</translation>
    </message>
    <message>
        <source>Lower the total privacy budget to %1? It cannot be raised again.</source>
        <translation>把隐私预算总额调低到 %1？之后无法再调高。</translation>
    </message>
    <message>
        <source>Lower to %1</source>
        <translation>调低到 %1</translation>
    </message>
</context>
<context>
    <name>ProfileNotice</name>
    <message>
        <source>Taste profile progress</source>
        <translation>兴趣画像进度</translation>
    </message>
    <message>
        <source>Building your taste profile from your photos… The recommendations below follow it in a moment.</source>
        <translation>正在根据你的照片建立兴趣画像… 下方的推荐稍后会随之更新。</translation>
    </message>
    <message>
        <source>Updating your taste profile with your latest photos… The recommendations below follow it in a moment.</source>
        <translation>正在用你最新的照片更新兴趣画像… 下方的推荐稍后会随之更新。</translation>
    </message>
    <message>
        <source>Analysing your photos: {done} of {total}. Your taste profile is built from them; the recommendations are updated when this finishes.</source>
        <translation>正在分析你的照片：{done} / {total}。你的兴趣画像由这些照片建立；完成后推荐会随之更新。</translation>
    </message>
</context>
<context>
    <name>ProfilePage</name>
    <message>
        <source>Profile</source>
        <translation>兴趣画像</translation>
    </message>
    <message>
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <source>Profile summary</source>
        <translation>兴趣画像摘要</translation>
    </message>
    <message>
        <source>Interest</source>
        <translation>兴趣</translation>
    </message>
    <message>
        <source>Weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <source>Examples</source>
        <translation>示例</translation>
    </message>
    <message>
        <source>Your interests</source>
        <translation>你的兴趣</translation>
    </message>
    <message>
        <source>Rename...</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <source>Rename the selected interest</source>
        <translation>重命名所选兴趣</translation>
    </message>
    <message>
        <source>Give the interest your own name (it stays when the profile is rebuilt); double-click a name does the same</source>
        <translation>给兴趣起你自己的名字（重建兴趣画像后仍会保留）；双击名称也可以</translation>
    </message>
    <message>
        <source>Merge</source>
        <translation>合并</translation>
    </message>
    <message>
        <source>Merge the two selected interests</source>
        <translation>合并所选的两个兴趣</translation>
    </message>
    <message>
        <source>Select two interests to treat them as one</source>
        <translation>选择两个兴趣，把它们当作一个</translation>
    </message>
    <message>
        <source>Split</source>
        <translation>拆分</translation>
    </message>
    <message>
        <source>Split the selected merged interest</source>
        <translation>拆分所选的合并兴趣</translation>
    </message>
    <message>
        <source>Undo a merge: select an interest marked (merged) to get back the two interests it was made of, with the names you gave them</source>
        <translation>撤销合并：选择标有（已合并）的兴趣，即可恢复它由之合并的两个兴趣，以及你给它们起的名字</translation>
    </message>
    <message>
        <source>Building your profile...</source>
        <translation>正在生成你的兴趣画像…</translation>
    </message>
    <message>
        <source>%1 (merged)</source>
        <translation>%1（已合并）</translation>
    </message>
    <message>
        <source>Your own name for this interest</source>
        <translation>你给这个兴趣起的名字</translation>
    </message>
    <message>
        <source>Named from the interest categories; double-click to rename</source>
        <translation>根据兴趣类别命名；双击可重命名</translation>
    </message>
    <message>
        <source>Merged from other interests: Split gives them back</source>
        <translation>由其他兴趣合并而成：点“拆分”可恢复它们</translation>
    </message>
    <message>
        <source>%1 percent</source>
        <translation>百分之 %1</translation>
    </message>
    <message>
        <source>Example photos of interest %1</source>
        <translation>兴趣 %1 的示例照片</translation>
    </message>
    <message>
        <source>No photos in your profile yet. Add photo folders on the Library page.</source>
        <translation>你的兴趣画像中还没有照片。请在“照片库”页添加照片文件夹。</translation>
    </message>
    <message>
        <source>Your profile is still thin: until you add more photos, your likes and dislikes on the For You page count for more.</source>
        <translation>你的兴趣画像还很单薄：在你添加更多照片之前，你在“为你推荐”页的喜欢和不喜欢会占更大比重。</translation>
    </message>
    <message>
        <source>1 photo</source>
        <translation>1 张照片</translation>
    </message>
    <message>
        <source>%1 photos</source>
        <translation>%1 张照片</translation>
    </message>
    <message>
        <source>1 interest</source>
        <translation>1 个兴趣</translation>
    </message>
    <message>
        <source>%1 interests</source>
        <translation>%1 个兴趣</translation>
    </message>
    <message>
        <source>Built from %1: %2, strongest first.</source>
        <translation>根据 %1 生成：%2，按强弱排列。</translation>
    </message>
    <message>
        <source>Left out %1</source>
        <translation>已排除 %1</translation>
    </message>
    <message>
        <source>Included %1 again</source>
        <translation>已重新计入 %1</translation>
    </message>
    <message>
        <source>Marked %1 as a favourite</source>
        <translation>已将 %1 设为收藏</translation>
    </message>
    <message>
        <source>%1 is no longer a favourite</source>
        <translation>%1 已不再是收藏</translation>
    </message>
    <message>
        <source>Renamed interest %1 to “%2”</source>
        <translation>已将兴趣 %1 重命名为“%2”</translation>
    </message>
    <message>
        <source>Interest %1 has its automatic name again</source>
        <translation>兴趣 %1 已恢复自动名称</translation>
    </message>
    <message>
        <source>Merged interests %1 and %2</source>
        <translation>已合并兴趣 %1 和 %2</translation>
    </message>
    <message>
        <source>Split interest %1</source>
        <translation>已拆分兴趣 %1</translation>
    </message>
    <message>
        <source>Rename interest</source>
        <translation>重命名兴趣</translation>
    </message>
    <message>
        <source>Your name for this interest (leave empty for the automatic name):</source>
        <translation>你给这个兴趣起的名字（留空则使用自动名称）：</translation>
    </message>
    <message>
        <source>Reset profile</source>
        <translation>重置兴趣画像</translation>
    </message>
    <message>
        <source>Forget everything you left out, your favourite folders, your names and merges of interests and your likes, dislikes and hidden items?

Your photos stay indexed; the profile is built again from all of them.</source>
        <translation>要忘掉你排除的所有内容、收藏的文件夹、你对兴趣的命名与合并，以及你的喜欢、不喜欢和隐藏的商品吗？

你的照片仍保留索引；兴趣画像会根据全部照片重新生成。</translation>
    </message>
    <message>
        <source>Profile reset</source>
        <translation>兴趣画像已重置</translation>
    </message>
</context>
<context>
    <name>QAbstractFileIconProvider</name>
    <message>
        <source>Folder</source>
        <comment>All other platforms</comment>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Drive</source>
        <translation>驱动器</translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>查找范围(&amp;L)：</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>文件类型(&amp;T)：</translation>
    </message>
</context>
<context>
    <name>RebuildBar</name>
    <message>
        <source>Rebuild interests</source>
        <translation>重建兴趣</translation>
    </message>
    <message>
        <source>Rebuild your interests</source>
        <translation>重建你的兴趣</translation>
    </message>
    <message>
        <source>Group your photos into interests afresh, even if no photo changed. Your names and merges of interests are kept.</source>
        <translation>即使照片没有变化，也重新把照片分组为兴趣。你给兴趣起的名字和所做的合并都会保留。</translation>
    </message>
    <message>
        <source>Rebuilding your interests...</source>
        <translation>正在重建你的兴趣…</translation>
    </message>
    <message>
        <source>Interest rebuild progress</source>
        <translation>兴趣重建进度</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Cancel the interest rebuild</source>
        <translation>取消兴趣重建</translation>
    </message>
    <message>
        <source>Cancelling...</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Interests rebuilt</source>
        <translation>兴趣已重建</translation>
    </message>
    <message>
        <source>Rebuild cancelled: your interests are as they were</source>
        <translation>已取消重建：你的兴趣保持原样</translation>
    </message>
</context>
<context>
    <name>RecommendationModel</name>
    <message>
        <source>match {percent}</source>
        <translation>匹配度 {percent}</translation>
    </message>
    <message>
        <source>{percent} similar</source>
        <translation>相似度 {percent}</translation>
    </message>
    <message>
        <source>{title}, {price}, {category}, liked</source>
        <translation>{title}，{price}，{category}，已喜欢</translation>
    </message>
    <message>
        <source>{title}, {price}, {category}</source>
        <translation>{title}，{price}，{category}</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>No licence notice ships with this model.</source>
        <translation>此模型没有附带许可证声明。</translation>
    </message>
    <message>
        <source>The licence notice %1 could not be read (%2).</source>
        <translation>无法读取许可证声明 %1（%2）。</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Execution provider</source>
        <translation>执行提供程序</translation>
    </message>
    <message>
        <source>Execution provider in use</source>
        <translation>正在使用的执行提供程序</translation>
    </message>
    <message>
        <source>Threads for the model</source>
        <translation>模型使用的线程数</translation>
    </message>
    <message>
        <source>All cores</source>
        <translation>所有核心</translation>
    </message>
    <message>
        <source>0 uses every core</source>
        <translation>0 表示使用所有核心</translation>
    </message>
    <message>
        <source>Changes apply the next time you unlock.</source>
        <translation>更改将在下次解锁时生效。</translation>
    </message>
    <message>
        <source>Performance</source>
        <translation>性能</translation>
    </message>
    <message>
        <source>Execution provider:</source>
        <translation>执行提供程序：</translation>
    </message>
    <message>
        <source>Threads:</source>
        <translation>线程数：</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Model licence</source>
        <translation>模型许可证</translation>
    </message>
    <message>
        <source>Show licence</source>
        <translation>查看许可证</translation>
    </message>
    <message>
        <source>Show the model&apos;s licence notice</source>
        <translation>查看模型的许可证声明</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <source>Licence:</source>
        <translation>许可证：</translation>
    </message>
    <message>
        <source>The model runs on this computer only.</source>
        <translation>模型只在这台电脑上运行。</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>数据文件夹</translation>
    </message>
    <message>
        <source>Copy path</source>
        <translation>复制路径</translation>
    </message>
    <message>
        <source>Copy the data folder path</source>
        <translation>复制数据文件夹路径</translation>
    </message>
    <message>
        <source>Remember on this device</source>
        <translation>在此设备上记住</translation>
    </message>
    <message>
        <source>Keep the key in the system keychain so visrec opens without the passphrase; the passphrase keeps working</source>
        <translation>把密钥保存在系统钥匙串中，这样打开 visrec 时无需输入密码短语；密码短语仍然可以照常使用</translation>
    </message>
    <message>
        <source>Change passphrase...</source>
        <translation>更改密码短语…</translation>
    </message>
    <message>
        <source>Change passphrase</source>
        <translation>更改密码短语</translation>
    </message>
    <message>
        <source>Choose a new passphrase; the current one is asked for first</source>
        <translation>设置新密码短语；会先询问当前密码短语</translation>
    </message>
    <message>
        <source>Lock now</source>
        <translation>立即锁定</translation>
    </message>
    <message>
        <source>Erase everything...</source>
        <translation>清除全部…</translation>
    </message>
    <message>
        <source>Erase everything</source>
        <translation>清除全部</translation>
    </message>
    <message>
        <source>Delete your encrypted profile from this computer</source>
        <translation>从这台电脑上删除你的加密用户档案</translation>
    </message>
    <message>
        <source>Privacy and data</source>
        <translation>隐私与数据</translation>
    </message>
    <message>
        <source>Data folder:</source>
        <translation>数据文件夹：</translation>
    </message>
    <message>
        <source>%1 (not available here)</source>
        <translation>%1（此处不可用）</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Follow the system (%1)</source>
        <translation>跟随系统（%1）</translation>
    </message>
    <message>
        <source>A new language applies the next time visrec starts.</source>
        <translation>新的语言将在下次启动 visrec 时生效。</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <source>This time visrec is in %1: it was started with --lang %2. The choice below applies when visrec starts without --lang.</source>
        <translation>本次 visrec 的界面语言：%1（启动时指定了 --lang %2）。不带 --lang 启动 visrec 时，使用下面的选择。</translation>
    </message>
    <message>
        <source>This time visrec is in %1: the variable VISREC_LANG is set to %2. The choice below applies when it is not set.</source>
        <translation>本次 visrec 的界面语言：%1（环境变量 VISREC_LANG 设为 %2）。未设置该变量时，使用下面的选择。</translation>
    </message>
    <message>
        <source>Language saved: restart visrec to see it</source>
        <translation>语言已保存：重新启动 visrec 后生效</translation>
    </message>
    <message>
        <source>Execution provider saved: it applies the next time you unlock</source>
        <translation>执行提供程序已保存：将在下次解锁时生效</translation>
    </message>
    <message>
        <source>Threads saved: the change applies the next time you unlock</source>
        <translation>线程数已保存：将在下次解锁时生效</translation>
    </message>
    <message>
        <source>Licence of %1</source>
        <translation>%1 的许可证</translation>
    </message>
    <message>
        <source>Licence notice</source>
        <translation>许可证声明</translation>
    </message>
    <message>
        <source>Data folder path copied</source>
        <translation>已复制数据文件夹路径</translation>
    </message>
    <message>
        <source>Enter your passphrase to keep the key in the system keychain:</source>
        <translation>输入你的密码短语，以便把密钥保存在系统钥匙串中：</translation>
    </message>
    <message>
        <source>visrec now opens without the passphrase on this device</source>
        <translation>在此设备上打开 visrec 现在无需密码短语</translation>
    </message>
    <message>
        <source>visrec asks for the passphrase again on this device</source>
        <translation>在此设备上打开 visrec 将再次询问密码短语</translation>
    </message>
    <message>
        <source>visrec keeps asking for your passphrase when it starts.</source>
        <translation>visrec 启动时会继续询问你的密码短语。</translation>
    </message>
    <message>
        <source>This deletes your encrypted profile from this computer: what visrec learnt from your photos, your choices, your likes and the key that opens them. It cannot be undone.

Your photos themselves are not touched. Installed catalogs (public data) stay.</source>
        <translation>这会从这台电脑上删除你的加密用户档案：visrec 从你的照片中学到的内容、你的选择、你的喜欢，以及打开它们的密钥。此操作无法撤销。

你的照片本身不受影响。已安装的商品目录（公开数据）会保留。</translation>
    </message>
    <message>
        <source>Type %1 to confirm:</source>
        <translation>输入 %1 以确认：</translation>
    </message>
    <message>
        <source>Nothing was erased: you did not type %1.</source>
        <translation>没有清除任何内容：你没有输入 %1。</translation>
    </message>
    <message>
        <source>Your profile was erased from this computer</source>
        <translation>你的用户档案已从这台电脑上清除</translation>
    </message>
    <message>
        <source>1 thread</source>
        <translation>1 个线程</translation>
    </message>
    <message>
        <source>%1 threads</source>
        <translation>%1 个线程</translation>
    </message>
    <message>
        <source>In use now: %1 (%2), %3</source>
        <translation>当前使用：%1（%2），%3</translation>
    </message>
</context>
<context>
    <name>SkippedTable</name>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Skipped files and why</source>
        <translation>已跳过的文件及原因</translation>
    </message>
    <message>
        <source>Skipped files</source>
        <translation>已跳过的文件</translation>
    </message>
    <message>
        <source>Skipped files (%1)</source>
        <translation>已跳过的文件（%1）</translation>
    </message>
    <message>
        <source>Skipped files: none</source>
        <translation>已跳过的文件：无</translation>
    </message>
    <message>
        <source>%1 (video, not indexed)</source>
        <translation>%1（视频，未索引）</translation>
    </message>
</context>
<context>
    <name>StrengthBar</name>
    <message>
        <source>Passphrase strength</source>
        <translation>密码短语强度</translation>
    </message>
</context>
<context>
    <name>StrengthMeter</name>
    <message>
        <source>Passphrase hint</source>
        <translation>密码短语提示</translation>
    </message>
    <message>
        <source>Choose a passphrase: a short sentence is best.</source>
        <translation>设置一个密码短语：用一句短句最好。</translation>
    </message>
    <message>
        <source>The two entries differ.</source>
        <translation>两次输入不一致。</translation>
    </message>
    <message>
        <source>Too short: use at least 8 characters; a short sentence is best.</source>
        <translation>太短：至少使用 8 个字符；用一句短句最好。</translation>
    </message>
    <message>
        <source>Weak: add a few more words to continue.</source>
        <translation>弱：再加几个词才能继续。</translation>
    </message>
    <message>
        <source>Fair: longer is stronger.</source>
        <translation>一般：越长越安全。</translation>
    </message>
    <message>
        <source>Good.</source>
        <translation>良好。</translation>
    </message>
    <message>
        <source>Strong.</source>
        <translation>强。</translation>
    </message>
</context>
<context>
    <name>UndoBar</name>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Undo the last feedback</source>
        <translation>撤销上一次反馈</translation>
    </message>
    <message>
        <source>Take it back (Ctrl+Z)</source>
        <translation>撤回（Ctrl+Z）</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Dismiss this message</source>
        <translation>关闭此消息</translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message>
        <source>&lt;h1&gt;Welcome to visrec&lt;/h1&gt;&lt;p&gt;Drag your photo folders in, and visrec learns what you like to look at. Then it ranks a product catalog for you, so you can browse recommendations offline.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Nothing leaves this computer.&lt;/b&gt; Your photos are analysed here, by a model that ships with the app. What it learns (folder and file names, labels, your likes) is kept encrypted with a passphrase only you know. The app never opens a network connection.&lt;/p&gt;</source>
        <translation>&lt;h1&gt;欢迎使用 visrec&lt;/h1&gt;&lt;p&gt;把你的照片文件夹拖进来，visrec 就会了解你喜欢看什么。然后它会为你给商品目录排序，让你离线浏览推荐。&lt;/p&gt;&lt;p&gt;&lt;b&gt;任何内容都不会离开这台电脑。&lt;/b&gt;你的照片在本机由应用自带的模型分析。它学到的内容（文件夹和文件名、标签、你的喜欢）都用只有你知道的密码短语加密保存。应用从不建立网络连接。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>密码短语</translation>
    </message>
    <message>
        <source>Repeat passphrase</source>
        <translation>再次输入密码短语</translation>
    </message>
    <message>
        <source>Remember on this device (uses the system keychain; the passphrase keeps working too)</source>
        <translation>在此设备上记住（使用系统钥匙串；密码短语仍然可以照常使用）</translation>
    </message>
    <message>
        <source>Passphrase:</source>
        <translation>密码短语：</translation>
    </message>
    <message>
        <source>Repeat it:</source>
        <translation>再输入一次：</translation>
    </message>
    <message>
        <source>&lt;h1&gt;visrec is locked&lt;/h1&gt;&lt;p&gt;Enter your passphrase to open your encrypted profile.&lt;/p&gt;</source>
        <translation>&lt;h1&gt;visrec 已锁定&lt;/h1&gt;&lt;p&gt;输入你的密码短语以打开加密的用户档案。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Create my private profile</source>
        <translation>创建我的私密用户档案</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
</context>
<context>
    <name>about</name>
    <message>
        <source>Your photos are analysed on this computer only, what visrec learns is stored encrypted with your passphrase, and the app never opens a network connection.</source>
        <translation>你的照片只在这台电脑上分析，visrec 学到的一切都用你的密码短语加密保存，应用从不建立网络连接。</translation>
    </message>
    <message>
        <source>Apache-2.0 or BSD-3-Clause</source>
        <translation>Apache-2.0 或 BSD-3-Clause</translation>
    </message>
    <message>
        <source>not installed</source>
        <translation>未安装</translation>
    </message>
    <message>
        <source>Model: not available</source>
        <translation>模型：不可用</translation>
    </message>
    <message>
        <source>Model: {name} {version}, licence {licence}</source>
        <translation>模型：{name} {version}，许可证 {licence}</translation>
    </message>
    <message>
        <source>Private, offline visual recommendations.</source>
        <translation>私密、离线的视觉推荐。</translation>
    </message>
    <message>
        <source>visrec is licensed under {licence}.</source>
        <translation>visrec 以 {licence} 许可证发布。</translation>
    </message>
    <message>
        <source>Third-party software:</source>
        <translation>第三方软件：</translation>
    </message>
    <message>
        <source>Qt and PySide6 are used under the LGPL-3.0 as unmodified, replaceable libraries.</source>
        <translation>Qt 和 PySide6 依据 LGPL-3.0 以未经修改、可替换的库的形式使用。</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <source>visrec is already open on this profile ({folder}).</source>
        <translation>visrec 已经在此用户档案（{folder}）上打开。</translation>
    </message>
    <message>
        <source>That window has been brought to the front.</source>
        <translation>该窗口已被切换到最前面。</translation>
    </message>
    <message>
        <source>Switch to that window, or close it first.</source>
        <translation>请切换到该窗口，或先将其关闭。</translation>
    </message>
    <message>
        <source>visrec is already open</source>
        <translation>visrec 已经打开</translation>
    </message>
</context>
<context>
    <name>confirm</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>worker</name>
    <message>
        <source>Something went wrong ({error}). Your data is safe; please try again.</source>
        <translation>出了点问题（{error}）。你的数据是安全的；请重试。</translation>
    </message>
</context>
</TS>
